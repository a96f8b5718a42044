/* rk/list.h — intrusive circular doubly linked lists (xv6/Linux style). */
#ifndef RK_LIST_H
#define RK_LIST_H

#include <stdbool.h>
#include <rk/compiler.h>

struct list_node {
    struct list_node *next;
    struct list_node *previous;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }

/* Make head an empty list (or node an unlinked node). */
static inline void list_init(struct list_node *head)
{
    head->next = head;
    head->previous = head;
}

static inline bool list_is_empty(const struct list_node *head) { return head->next == head; }

static inline void list_insert_between(struct list_node *node, struct list_node *previous,
                                       struct list_node *next)
{
    node->next = next;
    node->previous = previous;
    previous->next = node;
    next->previous = node;
}

/* Append node at the tail of head. */
static inline void list_push_back(struct list_node *head, struct list_node *node)
{
    list_insert_between(node, head->previous, head);
}

/* Insert node at the front of head. */
static inline void list_push_front(struct list_node *head, struct list_node *node)
{
    list_insert_between(node, head, head->next);
}

/* Insert node just before position. */
static inline void list_insert_before(struct list_node *position, struct list_node *node)
{
    list_insert_between(node, position->previous, position);
}

/* Unlink node and leave it as an empty list (so a second remove is harmless). */
static inline void list_remove(struct list_node *node)
{
    node->previous->next = node->next;
    node->next->previous = node->previous;
    list_init(node);
}

/* Unlink and return the first node, NULL when empty. */
static inline struct list_node *list_pop_front(struct list_node *head)
{
    if (list_is_empty(head))
        return NULL;
    struct list_node *node = head->next;
    list_remove(node);
    return node;
}

#define list_entry(node, type, member) container_of(node, type, member)

#define list_for_each(node, head) \
    for (struct list_node *node = (head)->next; node != (head); node = node->next)

/* Iteration that tolerates removal of the current node. */
#define list_for_each_safe(node, head)                                                 \
    for (struct list_node *node = (head)->next, *node##_next = node->next;             \
         node != (head); node = node##_next, node##_next = node->next)

#endif
