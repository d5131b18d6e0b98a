# Apache Kafka for bench/peers: one KRaft broker (broker + controller in one JVM) from Maven
# Central jars, on loopback, in a temporary directory. Sourced by bench/peers.

kafka_version() {
  sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$PEERS_ROOT/pom.xml"
}

# A JDK for the broker: Kafka supports 17 and 21 best; any 17+ works. Prints a java path.
kafka_java() {
  local home major
  for want in 21 17; do
    for home in /usr/lib/jvm/*; do
      major=$(peregrine_java_major "$home" 2>/dev/null) || continue
      [ "$major" = "$want" ] && { printf '%s\n' "$home/bin/java"; return 0; }
    done
  done
  printf '%s\n' "$PEERS_JAVA"
}

# The broker's jars, resolved once from Maven Central by bench/peers.d/kafka/pom.xml.
kafka_libs() {
  local libs
  libs=$(peers_cache_dir)/kafka-$(kafka_version)/libs
  if [ ! -f "$libs/kafka_2.13-$(kafka_version).jar" ]; then
    peers_log "Kafka: resolving broker $(kafka_version) jars from Maven Central into $libs"
    (cd "$PEERS_ROOT" && ./mvnw -B -q -ntp -f bench/peers.d/kafka/pom.xml dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$libs") >&2 || peers_die "could not resolve the Kafka jars"
  fi
  printf '%s\n' "$libs"
}

# kafka_start DIR DURABLE(true|false): sets KAFKA_PORT, KAFKA_PID, KAFKA_LOGS.
kafka_start() {
  local dir=$1 durable=$2 libs java controller cluster
  libs=$(kafka_libs)
  java=$(kafka_java)
  KAFKA_PORT=$(peers_free_port)
  controller=$(peers_free_port)
  KAFKA_LOGS="$dir/logs"
  mkdir -p "$KAFKA_LOGS"
  cat >"$dir/server.properties" <<CONF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_LOGS
num.partitions=8
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
delete.topic.enable=true
CONF
  if [ "$durable" = true ]; then
    # fsync every partition after each appended message batch: Kafka's strongest local durability.
    printf 'log.flush.interval.messages=1\n' >>"$dir/server.properties"
  fi
  cluster=$("$java" -cp "$libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
  "$java" -cp "$libs/*" kafka.tools.StorageTool format -t "$cluster" -c "$dir/server.properties" \
    >"$dir/format.log" 2>&1 || peers_die "kafka storage format failed, see $dir/format.log"
  peers_log "Kafka $(kafka_version) ($([ "$durable" = true ] && echo durable || echo page cache)): port $KAFKA_PORT, java $("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.version = //p')"
  # Warnings and errors only, to kafka.log next to the data (kept with --keep).
  cat >"$dir/log4j2.properties" <<CONF
rootLogger.level = warn
rootLogger.appenderRef.console.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d %t %p %c %m%n
CONF
  "$java" -Xms1g -Xmx1g -XX:+UseG1GC -Dlog4j2.configurationFile="$dir/log4j2.properties" -cp "$libs/*" \
    kafka.Kafka "$dir/server.properties" >"$dir/kafka.log" 2>&1 &
  KAFKA_PID=$!
  peers_wait_port "$KAFKA_PORT" 90 "$KAFKA_PID" || peers_die "Kafka did not start, see $dir/kafka.log"
}

kafka_stop() {
  peers_stop_process "${KAFKA_PID:-}"
  KAFKA_PID=""
}
