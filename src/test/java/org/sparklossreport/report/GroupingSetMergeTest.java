package org.sparklossreport.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.sparklossreport.core.Jackknife;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.core.Shape;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.report.GroupingSetMerge.Group;
import org.sparklossreport.report.GroupingSetMerge.Part;
import org.sparklossreport.state.StateStruct;
import org.sparklossreport.testing.LossFixtures;
import org.sparklossreport.testing.SparkTest;
import scala.Tuple2;

/**
 * The one grouping-set merge of the job, its intervals and the rollup: a finest state goes to one group per
 * grouping (its key values projected, the state copied for all but the first grouping); groups are equal
 * and hashed as the lists the job keyed them by before, so they keep their partitions; and the merged
 * states are the same bit for bit whatever partition a group lands in (the driver's: as one partition's).
 */
@SparkTest
class GroupingSetMergeTest {
  private static final List<String> KEYS = List.of("date", "model");
  private static final LossSet SET = LossFixtures.set(Losses.parse("mse"), Shape.SCALAR, Shape.SCALAR, true);
  private static final Map<String, LossSet> SETS = Map.of("", SET);
  private static final int BUCKETS = 5;

  @Test
  void groupsAreEqualAndHashedAsTheListOfTheirParts() {
    List<Object> keys = Arrays.asList("d1", null);
    assertEquals(keys.hashCode(), new Group(keys, null, null).hashCode());
    assertEquals(Arrays.asList("d1", null, 2).hashCode(), new Group(keys, 2, null).hashCode());
    assertEquals(Arrays.asList("d1", null, 2, "mse").hashCode(), new Group(keys, 2, "mse").hashCode());
    assertEquals(new Group(new ArrayList<>(keys), 2, "mse"), new Group(keys, 2, "mse"));
    assertEquals(false, new Group(keys, 2, null).equals(new Group(keys, 1, null)));
    assertEquals(false, new Group(keys, null, null).equals(new Group(keys, 0, null)));
  }

  @Test
  void aFinestStateGoesToOneGroupPerGroupingACopyForAllButTheFirst() {
    GroupingSets gs = GroupingSets.of(KEYS, GroupingSets.parse("date,model;model;overall"));
    LossState state = state(new Random(1), 3);
    List<Tuple2<Group, Part>> pairs = new ArrayList<>();
    GroupingSetMerge.pairs(new Object[] {"d1", "m2"}, gs.sets(), "mse", new Part("mse", 4, state))
        .forEachRemaining(pairs::add);
    assertEquals(List.of(new Group(Arrays.asList("d1", "m2"), 0, "mse"), new Group(Arrays.asList(null, "m2"), 1, "mse"),
        new Group(Arrays.asList(null, null), 2, "mse")), pairs.stream().map(Tuple2::_1).toList());
    assertSame(state, pairs.get(0)._2().state());
    for (Tuple2<Group, Part> p : pairs.subList(1, pairs.size())) {
      assertNotSame(state, p._2().state());
      assertEquals(state, p._2().state());
      assertEquals(4, p._2().bucket());
      assertEquals("mse", p._2().loss());
    }
  }

  @Test
  void theMergedStatesAreTheSameWhicheverPartitionAGroupLandsIn(SparkSession spark) {
    GroupingSets gs = GroupingSets.of(KEYS, GroupingSets.parse("date,model;model;date;overall"));
    List<GroupingSets.Grouping> sets = gs.sets();
    Random rnd = new Random(42);
    List<Row> rows = new ArrayList<>();
    for (int d = 0; d < 4; d++) {
      for (int m = 0; m < 5; m++) {
        for (int b = 0; b < BUCKETS; b++) {
          rows.add(RowFactory.create("d" + d, "m" + m, b, StateStruct.toRow(state(rnd, 1 + rnd.nextInt(50)))));
        }
      }
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());

    // On the driver, the states merge in the order of the rows: as one partition merges them in a shuffle.
    Map<String, String> driver = bits(GroupingSetMerge.byBucket(rows, r -> pairs(r, sets), BUCKETS, SETS).entrySet()
        .stream().map(e -> new Tuple2<>(e.getKey(), e.getValue())).toList());
    assertEquals(4 * 5 + 5 + 4 + 1, driver.size());
    assertEquals(driver, bits(GroupingSetMerge.byBucket(jsc.parallelize(rows, 1), r -> pairs(r, sets), BUCKETS, SETS)
        .collect()));

    // In several partitions, a group's states merge partition by partition, whichever partition it lands
    // in: the rollup's groups, hashed as a record (grouping, keys, loss) before, merge to the same bits.
    JavaRDD<Row> rdd = jsc.parallelize(rows, 4);
    Map<String, String> shuffled = bits(GroupingSetMerge.byBucket(rdd, r -> pairs(r, sets), BUCKETS, SETS).collect());
    Map<String, String> otherPartitions = bits(rdd.flatMapToPair(r -> pairs(r, sets))
        .mapToPair(t -> new Tuple2<>(new RecordKey(t._1().grouping(), t._1().keys(), "mse"), t._2()))
        .aggregateByKey(new JackknifeBuckets(BUCKETS), (acc, p) -> acc.add(p.loss(), p.bucket(), p.state(), SETS),
            (a, b) -> a.merge(b, SETS))
        .mapToPair(t -> new Tuple2<>(new Group(t._1().keys(), t._1().grouping(), null), t._2())).collect());
    assertEquals(shuffled, otherPartitions);
  }

  /** The key the rollup merged by before {@link Group}. */
  record RecordKey(int grouping, List<Object> keys, String loss) implements Serializable {}

  private static Iterator<Tuple2<Group, Part>> pairs(Row r, List<GroupingSets.Grouping> gs) {
    return GroupingSetMerge.pairs(GroupingSetMerge.finestKeys(r, 2), gs, null,
        new Part("", r.getInt(2), StateStruct.fromRow(r.getStruct(3))));
  }

  /** Every group's total state and jackknife replicates, as the raw bits of their doubles. */
  private static Map<String, String> bits(List<Tuple2<Group, JackknifeBuckets>> groups) {
    Map<String, String> out = new TreeMap<>();
    for (Tuple2<Group, JackknifeBuckets> t : groups) {
      LossState total = t._2().total(SET);
      StringBuilder s = new StringBuilder(Arrays.toString(total.getCounts()));
      for (double v : total.getSums()) {
        s.append(' ').append(Long.toHexString(Double.doubleToRawLongBits(v)));
      }
      for (Jackknife.Replicates r : t._2().replicates(SET)) {
        s.append(" | ").append(Long.toHexString(Double.doubleToRawLongBits(r.value())));
        for (double v : r.leaveOneOut()) {
          s.append(' ').append(Long.toHexString(Double.doubleToRawLongBits(v)));
        }
      }
      out.put(t._1().toString(), s.toString());
    }
    return out;
  }

  /** The state of {@code n} random weighted rows. */
  private static LossState state(Random rnd, int n) {
    List<LossFixtures.In> in = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      in.add(LossFixtures.row(rnd.nextGaussian() * 1e3, rnd.nextGaussian() * 1e-3, rnd.nextDouble() * 7));
    }
    return LossFixtures.reduce(SET, in);
  }

  @Test
  void oneGroupingMergesByItsKeyValuesAlone(SparkSession spark) {
    GroupingSets.Grouping model = GroupingSets.of(KEYS, GroupingSets.parse("model")).sets().get(0);
    Random rnd = new Random(7);
    List<Row> rows = new ArrayList<>();
    LossState m0 = SET.zero();
    for (int d = 0; d < 3; d++) {
      for (int m = 0; m < 2; m++) {
        LossState s = state(rnd, 10);
        if (m == 0) {
          SET.merge(m0, s.copy());
        }
        rows.add(RowFactory.create("d" + d, "m" + m, StateStruct.toRow(s)));
      }
    }
    Map<List<Object>, LossState> merged = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    GroupingSetMerge.merge(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 1), 2, model, SET)
        .collect().forEach(t -> merged.put(t._1().keys(), t._2()));
    assertEquals(List.of(Arrays.asList(null, "m0"), Arrays.asList(null, "m1")), List.copyOf(merged.keySet()));
    assertArrayEquals(m0.getCounts(), merged.get(Arrays.asList(null, "m0")).getCounts());
    assertEquals(m0.getSums()[0], merged.get(Arrays.asList(null, "m0")).getSums()[0], 1e-9 * Math.abs(m0.getSums()[0]));
  }
}
