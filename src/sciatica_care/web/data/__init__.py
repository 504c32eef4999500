"""Your data: exports, the clinician report, reminders and their calendar feed."""
