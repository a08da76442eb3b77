"""The UNO-listener way, for bench_pdf.py only (run by the system Python, which has ``uno``).

    /usr/bin/python3 benchmarks/uno_convert.py WORKERS OUTDIR FILE...

Starts WORKERS LibreOffices listening on a pipe (``--accept``, as unoserver does), each with its
own profile, connects to each over UNO and has it load every file of its share and store it as
PDF/A-2 (the product's filter options), one thread per worker.  Prints the seconds from the
first start to the last PDF, and the seconds spent before the first conversion could begin.
"""

import os
import subprocess
import sys
import tempfile
import threading
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(name, deadline):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={name};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def main():
    workers, outdir, files = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    tmp = tempfile.mkdtemp(prefix="bench-uno-")
    start = time.perf_counter()
    offices = []
    for n in range(workers):
        name = f"benchuno{os.getpid()}w{n}"
        profile = uno.systemPathToFileUrl(os.path.join(tmp, f"p{n}"))
        offices.append(
            (
                name,
                subprocess.Popen(
                    [
                        "soffice",
                        "--headless",
                        "--norestore",
                        "--nologo",
                        "--nolockcheck",
                        f"-env:UserInstallation={profile}",
                        f"--accept=pipe,name={name};urp;",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                ),
            )
        )
    filter_data = uno.Any(
        "[]com.sun.star.beans.PropertyValue",
        tuple(
            [
                prop("SelectPdfVersion", 2),
                prop("UseTaggedPDF", True),
                prop("DisplayPDFDocumentTitle", True),
                prop("ExportBookmarks", True),
            ]
        ),
    )
    ready = []

    def work(name, share):
        desktop = connect(name, time.monotonic() + 120)
        ready.append(time.perf_counter() - start)
        for path in share:
            doc = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(path), "_blank", 0, (prop("Hidden", True),)
            )
            target = os.path.join(outdir, os.path.basename(path)[:-5] + ".pdf")
            args = (prop("FilterName", "writer_pdf_Export"), prop("FilterData", filter_data))
            uno.invoke(doc, "storeToURL", (uno.systemPathToFileUrl(target), args))
            doc.close(True)

    threads = [
        threading.Thread(target=work, args=(name, files[n::workers]))
        for n, (name, _p) in enumerate(offices)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    for _name, process in offices:
        os.killpg(process.pid, 9)
    print(f"{seconds:.2f} {max(ready):.2f}")


if __name__ == "__main__":
    main()
