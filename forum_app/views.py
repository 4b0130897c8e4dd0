"""What every feature's views share: the type of what a view returns."""

from __future__ import annotations

from werkzeug.wrappers import Response as WerkzeugResponse

# A rendered page, a redirect or file, or a page with its status (a form sent back with a 422).
Page = str | WerkzeugResponse | tuple[str, int]
