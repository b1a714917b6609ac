"""Form fields of the storage pages and their dialogs: labelled inputs, selects and radio choices.

Each field's label names it; its hint and its error are its description (aria-describedby), and a
refused value is marked aria-invalid, so a screen reader says what is wrong where it is. What is
typed is reported through `action` (the dialogs' "dialog.input" by default) and kept by the page,
so a live re-render never resets it.
"""
from lite_app.ui.vdom import h


def described(field_id, hint, error):
    ids = [i for i in (field_id + "-error" if error else None, field_id + "-hint" if hint else None) if i]
    return " ".join(ids) or None


def notes(field_id, hint, error):
    return [h("span", {"id": field_id + "-hint", "class": "xl-field-hint"}, hint) if hint else None,
            h("span", {"id": field_id + "-error", "class": "xl-field-error"}, error) if error else None]


def text(field_id, name, label, value, error=None, hint=None, kind="text", action="dialog.input", **extra):
    """A labelled input; `extra` attributes go on the input (data_autofocus="1" for data-autofocus...)."""
    # A password is never written back into the page: the input keeps what was typed.
    attrs = {"type": kind, "name": name, "id": field_id, "value": None if kind == "password" else value or "",
             "autocomplete": "off",
             "spellcheck": "false", "data-action": action, "data-field": name,
             "aria-invalid": "true" if error else None, "aria-describedby": described(field_id, hint, error)}
    for key in extra:
        attrs[key.replace("_", "-")] = extra[key]
    return h("div", {"class": "xl-field"}, h("label", {"class": "xl-field-label", "for": field_id}, label),
             h("input", attrs), notes(field_id, hint, error))


def select(field_id, name, label, options, chosen, error=None, hint=None, action="dialog.input"):
    """A labelled select of (value, text) options."""
    items = [h("option", {"value": value, "selected": value == chosen}, text_) for value, text_ in options]
    return h("div", {"class": "xl-field"}, h("label", {"class": "xl-field-label", "for": field_id}, label),
             h("select", {"id": field_id, "name": name, "class": "xl-select", "data-action": action,
                          "data-field": name, "aria-invalid": "true" if error else None,
                          "aria-describedby": described(field_id, hint, error)}, items),
             notes(field_id, hint, error))


def choices(legend, name, options, chosen, action, error=None):
    """A fieldset of radio buttons: options are (value, label, note or None); a note describes its
    radio (aria-describedby) without being part of its name."""
    items = []
    for value, label, note in options:
        note_id = ("xl-choice-%s-%s" % (name, value)).replace("/", "-").replace(" ", "-") if note else None
        items.append(h("label", {"class": "xl-choice", "key": value},
                       h("input", {"type": "radio", "name": name, "value": value, "checked": value == chosen,
                                   "data-action": action, "data-field": name, "aria-label": label,
                                   "aria-describedby": note_id}),
                       h("span", None, label), h("span", {"id": note_id, "class": "xu-muted"}, note) if note else None))
    return h("fieldset", {"class": "xl-choices"}, h("legend", None, legend), items,
             h("span", {"class": "xl-field-error", "role": "alert"}, error) if error else None)
