"""The clinician's side of the web app (issue 10): caseload, patient pages, prescribing, linking.

Every route here depends on ``security.current_clinician``; what a clinician may see of a patient
is decided in ``services.permissions`` (linked patients only; anything else is a 404).
"""
