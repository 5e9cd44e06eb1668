# Stand-in for the Flask app (run by the python stand-in through sh).
echo "serving app as $(id -un) from $(pwd)"
echo "packages: $(ls /usr/local/lib/site-packages)"
