"""The Textual app shell: the app, its session, commands, keymap and binding ids, messages."""
