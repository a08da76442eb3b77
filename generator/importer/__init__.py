"""Import an existing mandate (a Word file, or its text export) into a council data file.

The region has decided mandates that were written by hand in Word.  To bring a council under the
generator, its document is read into a :class:`Source` (typed paragraphs plus the head-block
values), the text that is identical to a library clause is replaced by ``klausul: id`` and the
rest is kept as the council's own text (:func:`to_council`), and the result is written in the style
of the hand-written council files (:func:`write_council`).

The one promise is that nothing is lost: rendering the imported file with the document's own date,
number and decision date gives the same text, line for line.  Every import is checked against that
promise before anything is written; content the data format cannot hold is an error naming the
paragraph, never a silent drop.  :func:`new_council` starts a council from scratch instead, with
the places a secretary must fill in marked (:data:`MARKER`, found again by :func:`find_unfilled`).

The work is split by concern:

- :mod:`.source`: the :class:`~.source.Source` and :class:`~.source.Paragraph` the readers give,
  and the text helpers they share;
- :mod:`.docx_reader` and :mod:`.text_reader`: reading a Word file or a text export, the Word
  file with :mod:`.docx_styles` (its style and numbering tables), :mod:`.docx_walk` (its body and
  headers walked into paragraphs) and :mod:`.docx_xml` (the element names and the safe parser);
- :mod:`.roles`: what each paragraph is (head block, body, signature, distribution list);
- :mod:`.convert`: the council data, with clause recognition (:mod:`.matcher`), the paragraphs
  walked into blocks and sections (:mod:`.blocks`), the round-trip check (:mod:`.roundtrip`)
  and what the import found (:mod:`.report`);
- :mod:`.yaml_writer`: the council file in the style of the hand-written ones;
- :mod:`.new`: a new council, and what is still left to fill in;
- :mod:`.batch`: many documents at once, all or nothing (:func:`import_batch`), with
  :mod:`.learn` (the text they share becomes clauses), :mod:`.variants` (a clause reworded by a
  few words), :mod:`.library_file` (the clauses added to the library file), :mod:`.keep` (the
  council files, the library and the originals written and registered), :mod:`.figures` and
  :mod:`.batch_report` (what the batch found, for the command line).
"""

from generator.importer.batch import BatchReport, import_batch
from generator.importer.convert import import_document, to_council
from generator.importer.docx_reader import read_docx
from generator.importer.new import MARKER, find_unfilled, new_council, suggest_council_id
from generator.importer.text_reader import read_text
from generator.importer.yaml_writer import write_council, write_new_file

__all__ = [
    "MARKER",
    "BatchReport",
    "import_batch",
    "find_unfilled",
    "import_document",
    "new_council",
    "read_docx",
    "read_text",
    "suggest_council_id",
    "to_council",
    "write_council",
    "write_new_file",
]
