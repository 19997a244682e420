# Health probe of the `healthy` test image. A test flips it to failing by writing the reason:
#   docker exec C sh -c 'echo "db unreachable" > /tmp/unhealthy'
# and back by deleting the file.
if [ -f /tmp/unhealthy ]; then
  echo "probe failed: $(cat /tmp/unhealthy)"
  exit 1
fi
echo "probe ok"
