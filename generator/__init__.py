"""uppdrag: uppdragshandlingar för samordningsråd, från data till daterad och diarieförd Word-fil.

The data flows through one module per step:
load (``loader``) → validate (``schema``) → merge with the clause library (``clauses``) →
build the document model (``model``) → render (``render``) → register (``register``) →
write (``writer``).  ``main`` strings the steps together; ``cli`` only parses and prints.
"""

__version__ = "0.1.0"
