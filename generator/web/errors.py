"""What a secretary sees when something goes wrong: the product's own message, in Swedish.

The product's exceptions (:mod:`generator.exceptions`) become the same messages the CLI prints,
on a page with the right status code; HTTP errors (a missing page, a stale form, a too large
upload) get a sentence that says what to do.  Nothing here shows a traceback.
"""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from generator.exceptions import DataError, RegisterError, UppdragError
from generator.i18n import N_, _

#: The sentence for each HTTP status a user can meet (translated when shown).
HTTP_MESSAGES = {
    400: N_("The request could not be understood."),
    401: N_("Log in to see this page."),
    403: N_("You are not allowed to do that."),
    404: N_("There is no such page."),
    405: N_("That is not possible on this page."),
    413: N_("The file is too large to upload."),
}


def status_of(err: UppdragError) -> int:
    """The HTTP status of a product error: 409 for the register's refusals, else 400."""
    if isinstance(err, RegisterError):
        return 409
    return 400 if isinstance(err, DataError) or err.exit_code == 2 else 409


def _page(title: str, messages: list[str], status: int):  # type: ignore[no-untyped-def]
    return render_template("error.html", title=title, messages=messages), status


def handle_product_error(err: UppdragError):  # type: ignore[no-untyped-def]
    messages = [str(p) for p in err.problems] if isinstance(err, DataError) else [str(err)]
    return _page(_("It could not be done"), messages, status_of(err))


def handle_csrf(_err: CSRFError):  # type: ignore[no-untyped-def]
    return _page(
        _("The form has expired"),
        [_("The form was too old or came from another page. Go back, reload it and try again.")],
        400,
    )


def handle_http(err: HTTPException):  # type: ignore[no-untyped-def]
    status = err.code or 500
    if status == 400 and err.description == "host":
        message = _("This server does not answer to that address. Use the address it printed.")
    else:
        message = _(HTTP_MESSAGES.get(status, HTTP_MESSAGES[400]))
    return _page(_("Error {status}").format(status=status), [message], status)


def init_app(app: Flask) -> None:
    app.register_error_handler(UppdragError, handle_product_error)
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
