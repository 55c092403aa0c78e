"""The store: the only place that talks SQL. Reads return DataFrames; writes are transactions.

One module per capability (``core``: accounts, ratings, scenarios, bulk writes and the data
version; more beside it as the product grows), all re-exported here so callers write
``store.load_accounts(engine)``.
"""

from kamdash.store.audit import *  # noqa: F403
from kamdash.store.audit import __all__ as _audit_all
from kamdash.store.core import *  # noqa: F403
from kamdash.store.core import __all__ as _core_all
from kamdash.store.decisions import *  # noqa: F403
from kamdash.store.decisions import __all__ as _decisions_all
from kamdash.store.engagement import *  # noqa: F403
from kamdash.store.engagement import __all__ as _engagement_all
from kamdash.store.imports import *  # noqa: F403
from kamdash.store.imports import __all__ as _imports_all
from kamdash.store.plans import *  # noqa: F403
from kamdash.store.plans import __all__ as _plans_all
from kamdash.store.programme import *  # noqa: F403
from kamdash.store.programme import __all__ as _programme_all
from kamdash.store.rating_history import *  # noqa: F403
from kamdash.store.rating_history import __all__ as _rating_history_all
from kamdash.store.ratings import *  # noqa: F403
from kamdash.store.ratings import __all__ as _ratings_all
from kamdash.store.scenarios import *  # noqa: F403
from kamdash.store.scenarios import __all__ as _scenarios_all
from kamdash.store.stakeholders import *  # noqa: F403
from kamdash.store.stakeholders import __all__ as _stakeholders_all
from kamdash.store.users import *  # noqa: F403
from kamdash.store.users import __all__ as _users_all

__all__ = [*_core_all, *_audit_all, *_imports_all, *_stakeholders_all, *_engagement_all,
           *_scenarios_all, *_rating_history_all, *_users_all, *_decisions_all,
           *_programme_all, *_ratings_all, *_plans_all]
