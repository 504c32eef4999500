"""Camera motion tracking (a later issue): pose landmarks -> joint angles -> reps and holds.

The seam is ready: ``domain.skeleton`` gives the expected joint-angle curves of each exercise, and
``domain.session.Session.rep_done()`` accepts repetitions from any counter, manual or camera.
"""
