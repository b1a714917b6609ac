"""A module only test_shell_loading imports: the prefetch compiles a group's modules ahead, one per idle moment."""
LOADED = True
