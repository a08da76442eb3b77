"""Editing a council file in the browser, as plain functions the web views and tests call.

- :mod:`~generator.editing.document`: the file as ruamel.yaml's round-trip document, addressed by
  path, written back with its comments and layout;
- :mod:`~generator.editing.form`: the document as a form in the document's order, with problems
  placed at their fields;
- :mod:`~generator.editing.edits`: the changes (text, remove, move, add, own wording, clause);
- :mod:`~generator.editing.parts`: the parts added or moved as a whole (uppdragsgivare, the
  introduction, the distribution list, sections and subsections, the council's own versions of
  clauses; an emptied introduction or distribution list leaves the file);
- :mod:`~generator.editing.section_ids`: an own section's id following its heading until issued;
- :mod:`~generator.editing.placing`: each problem of a save put at its field;
- :mod:`~generator.editing.save`: validate as the CLI does, write atomically, refuse a save on top
  of a changed file, tell listeners (:func:`on_save`);
- :mod:`~generator.editing.preview`: the merged mandate as HTML;
- :mod:`~generator.editing.library`: finding a clause by its text.
"""

from generator.editing.edits import Edit
from generator.editing.save import SaveResult, load_for_editing, on_save, save_council

__all__ = ["Edit", "SaveResult", "load_for_editing", "on_save", "save_council"]
