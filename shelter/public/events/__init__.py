"""Public events (demonstrations, support evenings): the agenda and its iCalendar feed."""
