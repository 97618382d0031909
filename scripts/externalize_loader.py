#!/usr/bin/env python3
"""Trunk post-build hook: move Trunk's inline module loader into init.js.

The app's Content-Security-Policy allows scripts from 'self' only, with no inline script. Trunk
emits its loader inline (trunk-rs/trunk#288), so this hook writes the loader to a file next to
index.html and references it instead. It runs in Trunk's staging directory.
"""
import os
import re
import sys

staging = os.environ.get("TRUNK_STAGING_DIR")
if not staging:
    sys.exit("TRUNK_STAGING_DIR is not set: run this as a Trunk post_build hook")
index_path = os.path.join(staging, "index.html")
with open(index_path, encoding="utf-8") as handle:
    html = handle.read()

pattern = re.compile(r'<script type="module"(?![^>]*\bsrc=)[^>]*>(.*?)</script>', re.DOTALL)
match = pattern.search(html)
if match is None:
    sys.exit("no inline module script found in index.html")
loader = match.group(1).strip() + "\n"
with open(os.path.join(staging, "init.js"), "w", encoding="utf-8") as handle:
    handle.write(loader)
html = html[: match.start()] + '<script type="module" src="./init.js"></script>' + html[match.end() :]
if re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html):
    sys.exit("an inline script remains in index.html: the Content-Security-Policy would block it")
with open(index_path, "w", encoding="utf-8") as handle:
    handle.write(html)
