/*
 * determinism.c — every input must give the same outcome whatever ran
 * before it: the fuzzers boot the kernel again for each input and rely on
 * nothing surviving a boot (make test runs this over the checked-in
 * syscall corpus and regressions).
 *
 *   fuzz-determinism FILE_OR_DIRECTORY...
 * Runs every input in order, then again in reverse order, each time twice
 * in a row, and compares the outcomes (each call's results, the wait
 * status, whether the harness had to kill). Prints each input whose
 * outcomes differ; exit status 1 if any did.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "program.h"

struct input {
    char *path;
    uint8_t *data;
    size_t size;
    struct program_outcome first;   /* the outcome of the first run */
};

static struct input *inputs;
static size_t input_count, input_capacity;

/* Read the file at path into a new input (files that cannot be read are skipped). */
static void input_add(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return;
    uint8_t *data = malloc(1 << 16);
    size_t size = data ? fread(data, 1, 1 << 16, file) : 0;
    fclose(file);
    if (!data)
        return;
    if (input_count == input_capacity) {
        input_capacity = input_capacity ? 2 * input_capacity : 256;
        inputs = realloc(inputs, input_capacity * sizeof *inputs);
        if (!inputs)
            abort();
    }
    inputs[input_count++] = (struct input){ .path = strdup(path), .data = data, .size = size };
}

/* Add path, or every regular file of the directory path (sorted by name). */
static void inputs_add(const char *path)
{
    struct stat status;
    if (stat(path, &status) != 0)
        return;
    if (!S_ISDIR(status.st_mode)) {
        input_add(path);
        return;
    }
    struct dirent **entries;
    int count = scandir(path, &entries, NULL, alphasort);
    for (int i = 0; i < count; i++) {
        if (entries[i]->d_name[0] != '.') {
            char full[4096];
            snprintf(full, sizeof full, "%s/%s", path, entries[i]->d_name);
            input_add(full);
        }
        free(entries[i]);
    }
    free(entries);
}

/* Run input and compare with its first outcome (recorded when record is true). Returns false on a difference. */
static bool run_and_compare(struct input *input, bool record)
{
    static struct program program;
    static struct program_outcome outcome;
    program_decode(input->data, input->size, &program);
    program_run(&program, &outcome);
    if (record) {
        input->first = outcome;
        return true;
    }
    return memcmp(&outcome, &input->first, sizeof outcome) == 0;
}

/* Load the inputs, record each one's outcome, replay in reverse (each twice) and compare. */
int main(int argument_count, char **arguments)
{
    for (int i = 1; i < argument_count; i++)
        inputs_add(arguments[i]);
    size_t differing = 0;
    for (size_t i = 0; i < input_count; i++)
        run_and_compare(&inputs[i], true);
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < input_count; k++) {
            struct input *input = &inputs[input_count - 1 - k];
            if (!run_and_compare(input, false) || !run_and_compare(input, false)) {
                printf("fuzz-determinism: %s: a different outcome after other inputs\n", input->path);
                differing++;
            }
        }
    }
    printf("fuzz-determinism: %zu inputs, %zu runs each, %zu with differing outcomes\n", input_count,
           (size_t)5, differing);
    for (size_t i = 0; i < input_count; i++) {
        free(inputs[i].path);
        free(inputs[i].data);
    }
    free(inputs);
    return differing ? 1 : 0;
}
