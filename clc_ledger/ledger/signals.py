"""Signals the ledger sends inside its own transactions, so that features built on it (the
learning half, clc_ledger/learning) act in the same transaction without the ledger knowing
them. A receiver that raises rolls the whole operation back.

- `debit_requested(debit, ce_item_id=, seats=, attendees=)`: a debit naming training
  (R-CEL-1) was just written; sent only when one of the three is given.
- `debit_posted(debit, now=)`: a debit posted, at once or on approval (sent exactly once per
  debit: posting is a compare-and-set on its status).
- `debit_reversed(debit, dispute=)`: an upheld dispute reversed the debit (R-DSP-1).
"""
from blinker import Namespace

_signals = Namespace()

debit_requested = _signals.signal("debit-requested")
debit_posted = _signals.signal("debit-posted")
debit_reversed = _signals.signal("debit-reversed")
