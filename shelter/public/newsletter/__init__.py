"""Newsletter issues: coordinators write one in Markdown, preview it, send themselves a test,
then send it once to the confirmed subscribers; each sent issue has a public web version.

``messages`` makes the email of an issue for one reader, ``services`` saves and sends,
``queries`` reads, ``views`` holds the coordinators' pages and the web version.
"""

from shelter.public.newsletter import views  # noqa: F401
