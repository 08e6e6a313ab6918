"""News posts: written by coordinators in Markdown, read on the public site and in Atom."""
