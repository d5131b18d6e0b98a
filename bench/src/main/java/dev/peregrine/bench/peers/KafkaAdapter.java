package dev.peregrine.bench.peers;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Apache Kafka, one KRaft broker started by bench/peers, replication factor 1, {@code acks=all}.
 * The broker decides durability: {@code kafka-durable} runs with
 * {@code log.flush.interval.messages=1} (fsync per append), {@code kafka-pagecache} with the
 * defaults (the page cache, flushed by the OS). Kafka has no per-key expected version: appends are
 * unconditional and its figures are an upper bound for a conditional store. The stream is the
 * record key (so one stream stays in one partition, in order); type and metadata ride in headers.
 * One producer is shared by all client threads, as Kafka recommends; linger.ms=0 so that a single
 * command append is not held back. No per-stream reads: a stream load would be a partition scan.
 */
final class KafkaAdapter implements PeerAdapter {

  private static final int PARTITIONS = 8;
  private static final String TYPE_HEADER = "type";

  private final String label;
  private final String bootstrap;
  private final long serverPid;
  private final Path logDir;
  private final Admin admin;
  private final Properties producerConfig = new Properties();
  private KafkaProducer<String, byte[]> producer;
  private String topic;
  private int topicSequence;

  KafkaAdapter(String label, String bootstrap, long serverPid, Path logDir) {
    this.label = label;
    this.bootstrap = bootstrap;
    this.serverPid = serverPid;
    this.logDir = logDir;
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    producerConfig.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
    producerConfig.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    // Idempotence off: on this shared machine the idempotent producer kept being refused with
    // OutOfOrderSequenceException after request timeouts and stalled until delivery.timeout.ms.
    // acks=all still holds; a retried batch could be duplicated, which only flatters Kafka.
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
  }

  @Override
  public String name() {
    return label;
  }

  @Override
  public boolean conditional() {
    return false;
  }

  @Override
  public boolean streamReads() {
    return false;
  }

  /**
   * A fresh topic per run (the previous one is deleted so its disk is freed) and a fresh producer:
   * an idempotent producer that outlives a deleted topic can be refused with out-of-order sequence
   * numbers on the next one.
   */
  @Override
  public void reset() throws Exception {
    if (producer != null) {
      producer.close();
    }
    if (topic != null) {
      admin.deleteTopics(List.of(topic)).all().get();
    }
    topic = "bench-" + (++topicSequence);
    admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
    producer = new KafkaProducer<>(producerConfig);
  }

  @Override
  public Session openSession() {
    return new KafkaSession();
  }

  private ProducerRecord<String, byte[]> record(BenchEvent event) {
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, event.stream(), event.payload());
    record.headers().add(TYPE_HEADER, event.type().getBytes(StandardCharsets.UTF_8));
    record.headers().add("metadata", event.metadata());
    return record;
  }

  /** Reads every partition from the start to the end offsets taken when the catch-up began. */
  @Override
  public long catchUp(String type, EventSink sink) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
    config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024));
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 * 1024 * 1024));
    byte[] wanted = type == null ? null : type.getBytes(StandardCharsets.UTF_8);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.add(new TopicPartition(topic, p));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long end = 0;
      for (long offset : consumer.endOffsets(partitions).values()) {
        end += offset;
      }
      long read = 0;
      long delivered = 0;
      while (read < end) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          read++;
          Header header = record.headers().lastHeader(TYPE_HEADER);
          if (wanted == null || java.util.Arrays.equals(wanted, header.value())) {
            sink.accept(new String(header.value(), StandardCharsets.UTF_8), record.value());
            delivered++;
          }
        }
      }
      return delivered;
    }
  }

  /** The topic's partition directories (segments and their indexes). */
  @Override
  public long bytesOnDisk() throws Exception {
    List<Path> dirs = new ArrayList<>();
    try (var entries = Files.list(logDir)) {
      entries.filter(p -> p.getFileName().toString().startsWith(topic + "-")).forEach(dirs::add);
    }
    return DiskUsage.allocated(dirs);
  }

  @Override
  public List<Long> serverPids() {
    return List.of(serverPid);
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close();
    }
    admin.close();
  }

  private final class KafkaSession implements Session {

    @Override
    public boolean append(BenchEvent event, long expectedVersion) throws Exception {
      producer.send(record(event)).get();
      return true;
    }

    @Override
    public long streamVersion(String stream) {
      throw new UnsupportedOperationException("Kafka never reports a conflict, so never needs a version");
    }

    @Override
    public void appendBatch(List<BenchEvent> batch) throws Exception {
      List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
      for (BenchEvent event : batch) {
        acks.add(producer.send(record(event)));
      }
      for (Future<RecordMetadata> ack : acks) {
        ack.get();
      }
    }

    @Override
    public int readStream(String stream, EventSink sink) {
      throw new UnsupportedOperationException("Kafka has no per-key index");
    }

    @Override
    public void close() {
      // The producer is shared and closed with the adapter.
    }
  }
}
