"""A build's life cycle for both front ends: read, render in parallel, write the output folder,
reuse what is unchanged, preview, and the service worker made from what was written."""
