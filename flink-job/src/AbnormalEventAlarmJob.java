// The study talk's job, for a real Apache Flink 2.3 cluster (scripts/flink-cluster.sh builds,
// submits and breaks it). It is the job the simulator models, record for record where that is
// possible: event (seed, subtask, sequence) is the same pure function as the simulator's
// `sim::workload` (SplitMix64's finaliser, three rounds), so a real run and a simulated run with
// the same seed emit the same users, the same abnormal flags and the same sequence numbers, and
// a restored source rewinds to its checkpointed offset and emits them again.
//
// Arguments (all optional): --seed N (1), --interval-ms N (5000), --abnormal-permille N (300),
// --users-per-subtask N (1), --checkpoint-interval-ms N (10000), --checkpoint-dir URI
// (file:///tmp/flink-checkpoints), --unaligned true|false (false).
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.source.legacy.RichParallelSourceFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.ParameterTool;

public class AbnormalEventAlarmJob {

    /** The alarm threshold of the talk: 3 abnormal events of one user. */
    static final int ALARM_THRESHOLD = 3;

    /** One user event (a POJO: public fields, a public no-argument constructor). */
    public static class UserEvent {
        public String userId;
        public long seq;
        public boolean abnormal;

        public UserEvent() {}

        public UserEvent(String userId, long seq, boolean abnormal) {
            this.userId = userId;
            this.seq = seq;
            this.abnormal = abnormal;
        }
    }

    /** SplitMix64's finaliser, as `sim::rng::mix64` (wrapping arithmetic, unsigned shifts). */
    static long mix64(long x) {
        x += 0x9E3779B97F4A7C15L;
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return x ^ (x >>> 31);
    }

    static long hash3(long a, long b, long c) {
        return mix64(mix64(mix64(a) ^ b) ^ c);
    }

    /**
     * An endless stream per subtask: an event every interval, abnormal with the given
     * probability. Its offset (the next sequence number) is operator state, so a restore
     * rewinds it, as a replayable source (Kafka, a file) would.
     */
    public static class RandomUserEventSource extends RichParallelSourceFunction<UserEvent>
            implements CheckpointedFunction {
        private final long seed;
        private final long intervalMs;
        private final long abnormalPermille;
        private final int usersPerSubtask;
        private transient ListState<Long> offsetState;
        private long nextSeq;
        private volatile boolean running = true;

        public RandomUserEventSource(long seed, long intervalMs, long abnormalPermille, int usersPerSubtask) {
            this.seed = seed;
            this.intervalMs = intervalMs;
            this.abnormalPermille = abnormalPermille;
            this.usersPerSubtask = usersPerSubtask;
        }

        @Override
        public void run(SourceContext<UserEvent> ctx) throws Exception {
            int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
            int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
            // Source subtask i emits for user(i+1), user(i+1+p), … (the simulator's key layout).
            List<String> users = new ArrayList<>();
            for (int round = 0; round < usersPerSubtask; round++) {
                users.add("user" + (round * parallelism + subtask + 1));
            }
            long workload = mix64(seed ^ 0x5EED0FE7E2L);
            while (running) {
                synchronized (ctx.getCheckpointLock()) {
                    long hash = hash3(workload, subtask, nextSeq);
                    int pick = users.size() == 1 ? 0 : (int) Long.remainderUnsigned(hash & 0xFFFF, users.size());
                    // `Ratio::contains`: (draw · denominator) >> 32 < numerator, draw the high 32 bits.
                    boolean abnormal = (((hash >>> 32) * 1000L) >>> 32) < abnormalPermille;
                    ctx.collect(new UserEvent(users.get(pick), nextSeq, abnormal));
                    nextSeq++;
                }
                Thread.sleep(intervalMs);
            }
        }

        @Override
        public void cancel() {
            running = false;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            offsetState.update(List.of(nextSeq));
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            offsetState = context.getOperatorStateStore()
                    .getListState(new ListStateDescriptor<>("offset", Long.class));
            for (Long offset : offsetState.get()) {
                nextSeq = offset;
            }
        }
    }

    /** Counts a user's abnormal events in keyed state; an alarm at 3, then the count resets. */
    public static class AbnormalAlarmFunction extends KeyedProcessFunction<String, UserEvent, String> {
        private transient ValueState<Integer> abnormalCountState;

        @Override
        public void open(OpenContext openContext) {
            abnormalCountState = getRuntimeContext()
                    .getState(new ValueStateDescriptor<>("abnormalCount", Integer.class));
        }

        @Override
        public void processElement(UserEvent event, Context ctx, Collector<String> out) throws Exception {
            Integer stored = abnormalCountState.value();
            int count = stored == null ? 0 : stored;
            if (event.abnormal) {
                count += 1;
            }
            if (count >= ALARM_THRESHOLD) {
                out.collect("ALARM user=" + event.userId + " count=" + count + " seq=" + event.seq);
                count = 0;
            }
            abnormalCountState.update(count);
        }
    }

    public static void main(String[] args) throws Exception {
        ParameterTool params = ParameterTool.fromArgs(args);
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.NAME, "AbnormalEventAlarmJob");
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL,
                Duration.ofMillis(params.getLong("checkpoint-interval-ms", 10_000)));
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, Duration.ofSeconds(5));
        conf.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, Duration.ofSeconds(60));
        conf.set(CheckpointingOptions.MAX_CONCURRENT_CHECKPOINTS, 1);
        conf.set(CheckpointingOptions.ENABLE_UNALIGNED, params.getBoolean("unaligned", false));
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                params.get("checkpoint-dir", "file:///tmp/flink-checkpoints"));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(3);
        env.addSource(new RandomUserEventSource(
                        params.getLong("seed", 1),
                        params.getLong("interval-ms", 5_000),
                        params.getLong("abnormal-permille", 300),
                        params.getInt("users-per-subtask", 1)))
                .name("RandomUserEventSource")
                .keyBy(event -> event.userId)
                .process(new AbnormalAlarmFunction())
                .name("AbnormalAlarmFunction")
                .print()
                .name("PrintSink");
        env.execute();
    }
}
