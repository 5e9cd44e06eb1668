#!/bin/sh
echo "executable kept"
