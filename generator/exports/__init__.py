"""A quiz rendered into files: papers and keys, answer sheets, the LMS and platform exports
(``formats`` is their registry, ``quiz_files`` renders them), and the trainers' pack ``playbook build``
writes beside the site (``pack``)."""
