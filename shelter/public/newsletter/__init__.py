"""Newsletter issues: coordinators write one in Markdown, preview it, send themselves a test,
then send it once to the confirmed subscribers; each sent issue has a public web version.

``messages`` makes the email of an issue for one reader, ``services`` saves and sends,
``queries`` reads, ``views`` holds the coordinators' pages and the web version.

Subscriptions (double opt-in, one-click unsubscription, the export for the mailing tool) have
their own modules: ``subscriptions`` (writes), ``subscription_queries``, ``subscription_forms``,
``subscription_views``, ``export``, and ``commands`` (forgetting unconfirmed addresses).
"""

from shelter.public.newsletter import commands, subscription_views, views  # noqa: F401
