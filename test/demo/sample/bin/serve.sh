#!/bin/sh
# Serves the site next to this script.
cd "$(dirname "$0")/../web" && exec python3 -m http.server 8080
