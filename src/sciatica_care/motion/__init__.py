"""Camera motion tracking (issue 11): pose landmarks -> joint angles -> reps and holds.

Pure, frame by frame, so the CLI and the web player's server share every line:
``landmarks`` (the JSON Lines stream), ``angles`` (joint angles, whichever side the camera is),
``excursion`` (the hysteresis state machine), ``exercise_rules`` (what each exercise watches),
``detector`` (one detector per exercise: calibration, counting, live state, snapshot),
``guidance`` (where to put the camera, per-frame warnings) and ``synthetic`` (streams with a
known truth, from the content's keyframes). At the edge, imported only when pictures are read:
``pose`` (MediaPipe and OpenCV) and ``overlay`` (the annotated video).
"""
