"""Results of a training session: one model (results.json) that every channel feeds
(scanned answer sheets, LMS exports, hand-filled tables) and every report reads."""
