"""``uppdrag pdf``: archive copies, made afterwards, for issued documents that have none."""

from __future__ import annotations

from pathlib import Path

from generator.exceptions import RegisterError
from generator.i18n import _
from generator.pdf.archive import Archived, make_pdfs
from generator.progress import Progress
from generator.register import Register
from generator.workspace import Workspace


def archive_missing(
    workspace: Workspace,
    dnr: str | None = None,
    *,
    register: Path | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Archived:
    """The archive copies of one number's written files (``dnr``), or of every issued file that
    has none yet; those already made are kept as they are (``Archived.present``)."""
    from generator.dnr import DiaryNumber
    from generator.register_access import register_path

    path = register_path(workspace, register and str(register))
    if not path.exists():
        raise RegisterError(_("there is no register {path}").format(path=path))
    with Register(path, documents=workspace.output_dir, root=workspace.root) as reg:
        if dnr is None:
            sources = [f.path for f in reg.without_archive_copy()]
        else:
            number = str(DiaryNumber.parse(dnr))
            issue = reg.get(number)
            if issue is None:
                raise RegisterError(
                    _("{dnr} is not in the register {path}").format(dnr=number, path=path)
                )
            if issue.status == "makulerad":
                raise RegisterError(
                    _("{dnr} is voided; it gets no archive copy").format(dnr=number)
                )
            sources = [f.path for f in issue.files if f.state == "written"]
            if not sources:
                raise RegisterError(
                    _("{dnr} has no issued file yet ({status})").format(
                        dnr=number, status=issue.status
                    )
                )
    if not sources:
        return Archived()
    return make_pdfs(
        [Path(s) for s in sources],
        register=path,
        jobs=jobs,
        progress=progress,
        root=workspace.root,
    )
