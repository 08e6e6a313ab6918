"""The site settings coordinators edit: presentation, links, donation details, counter."""
