FROM dsim/busybox:1.35
COPY . /ctx/
CMD ["sh", "-c", "cd /ctx && find . | sort"]
