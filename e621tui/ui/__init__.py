"""The terminal UI (Textual): the app, its screens, widgets, dialogs and controllers.

The only layer that imports textual. It talks to the headless core (`e621tui.core`) and gets
its results back as session events, which the app turns into messages for the screens.
"""
