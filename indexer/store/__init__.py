"""The storage engine: schema, documents, posting blocks and codec, the writer, columns and generations.

Whoosh pickles the codec, formats and field classes by path into every generation; they are
re-exported here, and store.schema.signature names them so a moved class means a rebuild.
"""

from .analyzed import Analyzed
from .bodies import BodyCodec
from .codec import ArrayCodec
from .columns import Columns
from .directory import build_lock, current_dir, new_generation, open_for_update, open_generation, open_index, publish
from .document import Documents, article_from_stored
from .formats import PackedPositions, VietFrequency
from .generation import Generation
from .postings import Postings
from .schema import CHAINED, PAIRED, TEXT_FIELDS, VietText, make_schema, signature
from .vocabulary import MIN_DF, Vocabulary
from .writer import BulkWriter

__all__ = [
    "Analyzed",
    "BodyCodec",
    "ArrayCodec",
    "Columns",
    "build_lock",
    "current_dir",
    "new_generation",
    "open_for_update",
    "open_generation",
    "open_index",
    "publish",
    "Documents",
    "article_from_stored",
    "PackedPositions",
    "VietFrequency",
    "Generation",
    "Postings",
    "CHAINED",
    "PAIRED",
    "TEXT_FIELDS",
    "VietText",
    "make_schema",
    "signature",
    "MIN_DF",
    "Vocabulary",
    "BulkWriter",
]
