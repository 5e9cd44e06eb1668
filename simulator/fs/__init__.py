"""The layered filesystem: layers of changes, merged views, and a working FS for RUN/COPY."""
