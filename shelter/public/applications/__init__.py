"""Volunteer applications from the public site, approved or declined by coordinators."""
