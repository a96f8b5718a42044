for word in apple banana cherry; do
  case $word in
    a*) echo "$word starts with a" ;;
    *an*) echo "$word has an" ;;
    *) echo "$word other" ;;
  esac
done
