"""The screens, one per module. How a screen, or a widget, works with the store:

- `store_of(self)` (`workstation.handle`) is the app's `StoreHandle`: `engine` and
  `open_session()` for store calls, `rep` for the working rep, `clock()` for "now". Never
  `self.app.<x>` for these: `self.app` is Textual's (push_screen, notify, exit).
- A user action is one store function, one transaction. A call that may take more than a
  frame runs in a thread worker by `in_thread` (`workstation.work`), and its result comes
  back to a method of the screen on the UI thread; progress comes back by `ui_callback`.
- A StoreError goes to `show_store_error`, the one way it becomes a notification, or, on
  a screen that says it in place (a dialog's error line, a status line), to the screen's
  own `on_error`. A quick call on the UI thread catches StoreError and does the same.
- What the store holds is shown through `safe_text` or with `markup=False`, never parsed.
"""
