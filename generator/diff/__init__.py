"""What changed between two issues of a mandate, read from the two Word documents.

A re-issue must show the decision maker exactly what changed against the council's *previous
issue*.  The previous issue's data may no longer exist (the clause library has moved on), so the
comparison is always document against document: both sides are read back from
``word/document.xml`` by :func:`~.document.document_paragraphs`, the old file from the register
and the new bytes just rendered.  Reading both the same way also means that anything the template
adds (the title, "Datum för beslut", the signature) compares equal unless it really changed.

The diff is by paragraph first (a mandate is a list of paragraphs, and "this paragraph is new" is
what a reader wants to hear), then by word inside a paragraph that was modified, in the style of
``wdiff``: ``[-removed-]{+added+}``.

One concern a module: :mod:`.document` (reading a document), :mod:`.words` (the word diff),
:mod:`.paragraphs` (the paragraph diff) and :mod:`.terminal` (the changes as text).
"""
