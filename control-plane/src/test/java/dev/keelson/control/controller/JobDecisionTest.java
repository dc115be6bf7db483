package dev.keelson.control.controller;

import static dev.keelson.control.controller.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobDecisionTest {
    static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

    static ObjectNode job(String spec, String status) {
        return json("{'metadata':{'name':'pi','namespace':'default','uid':'u1'},'spec':{" + spec
                + (spec.isEmpty() ? "" : ",") + "'template':{'spec':{'restartPolicy':'Never','containers':[{'name':'c','image':'busybox'}]}}},"
                + "'status':{" + status + "}}");
    }

    static ObjectNode pod(String name, String phase, int secondsAgo, String extra) {
        String t = NOW.minusSeconds(secondsAgo).toString();
        return json("{'metadata':{'name':'" + name + "','namespace':'default','creationTimestamp':'" + t + "'" + extra + "},"
                + "'spec':{'nodeName':'n1'},'status':{'phase':'" + phase + "','containerStatuses':[{'name':'c','restartCount':0"
                + (phase.equals("Succeeded") || phase.equals("Failed") ? ",'state':{'terminated':{'finishedAt':'" + t + "'}}" : "")
                + "}]}}");
    }

    static ObjectNode running(String name) {
        return pod(name, "Running", 100, "");
    }

    static ObjectNode indexed(String name, String phase, int index) {
        return pod(name, phase, 100, ",'annotations':{'batch.kubernetes.io/job-completion-index':'" + index + "'}");
    }

    static List<ObjectNode> pods(ObjectNode... p) {
        return List.of(p);
    }

    static Stream<Arguments> counts() {
        return Stream.of(
                Arguments.of("new job starts parallelism pods", job("'parallelism':2,'completions':5", ""), pods(), 2, 0),
                Arguments.of("never more than the completions left", job("'parallelism':3,'completions':5",
                        "'succeeded':4"), pods(), 1, 0),
                Arguments.of("running pods count toward parallelism", job("'parallelism':3,'completions':5", ""),
                        pods(running("a"), running("b")), 1, 0),
                Arguments.of("work queue: no new pods once one succeeded", job("'parallelism':3", ""),
                        pods(pod("s", "Succeeded", 10, ""), running("a")), 0, 0),
                Arguments.of("parallelism lowered: surplus deleted", job("'parallelism':1,'completions':5", ""),
                        pods(running("a"), running("b"), running("c")), 0, 2),
                Arguments.of("parallelism 0 runs nothing", job("'parallelism':0,'completions':5", ""), pods(running("a")), 0, 1),
                Arguments.of("terminating pods are not active", job("'parallelism':2,'completions':5", ""),
                        pods(pod("t", "Running", 5, ",'deletionTimestamp':'" + NOW + "'")), 2, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("counts")
    void createsAndDeletes(String name, ObjectNode job, List<ObjectNode> pods, int create, int delete) {
        JobDecision d = JobDecision.of(job, pods, NOW);
        assertEquals(create, d.create(), "create");
        assertEquals(delete, d.delete().size(), "delete");
        assertFalse(d.finished());
    }

    @Test
    void newJobGetsStartTimeAndActiveCount() {
        JobDecision d = JobDecision.of(job("'parallelism':2,'completions':5", ""), pods(), NOW);
        assertEquals("2026-11-20T10:00:00Z", d.status().path("startTime").asText());
        assertEquals(2, d.status().path("active").asInt());
        assertEquals(0, d.status().path("ready").asInt());
        assertFalse(d.status().has("conditions"));
    }

    @Test
    void surplusDeletionPrefersPendingThenNewest() {
        ObjectNode pending = json("{'metadata':{'name':'p','creationTimestamp':'2026-11-20T09:00:00Z'},'spec':{'nodeName':'n1'},'status':{'phase':'Pending'}}");
        ObjectNode old = running("old");
        ObjectNode young = pod("young", "Running", 1, "");
        JobDecision d = JobDecision.of(job("'parallelism':1,'completions':5", ""), pods(old, pending, young), NOW);
        assertEquals(List.of("p", "young"), d.delete().stream().map(Pods::name).toList());
    }

    @Test
    void completionsReachedWithPodsLeftSetsSuccessCriteriaMetOnly() {
        JobDecision d = JobDecision.of(job("'completions':2,'parallelism':3", ""),
                pods(pod("a", "Succeeded", 10, ""), pod("b", "Succeeded", 5, ""), running("c")), NOW);
        JsonNode conds = d.status().path("conditions");
        assertTrue(Conditions.isTrue(conds, "SuccessCriteriaMet"));
        assertEquals("CompletionsReached", Conditions.find(conds, "SuccessCriteriaMet").path("reason").asText());
        assertNull(Conditions.find(conds, "Complete"), "Complete waits until no pod runs");
        assertEquals(List.of("c"), d.delete().stream().map(Pods::name).toList());
        assertFalse(d.status().has("completionTime"));
        assertEquals(2, d.status().path("succeeded").asInt());
    }

    @Test
    void completionsReachedWithNothingRunningCompletes() {
        JobDecision d = JobDecision.of(job("'completions':2", ""),
                pods(pod("a", "Succeeded", 10, ""), pod("b", "Succeeded", 5, "")), NOW);
        JsonNode conds = d.status().path("conditions");
        assertTrue(Conditions.isTrue(conds, "SuccessCriteriaMet"));
        JsonNode complete = Conditions.find(conds, "Complete");
        assertEquals("True", complete.path("status").asText());
        assertEquals("Reached expected number of succeeded pods", complete.path("message").asText());
        assertEquals("2026-11-20T10:00:00Z", d.status().path("completionTime").asText());
        assertEquals(0, d.create());
    }

    @Test
    void workQueueJobCompletesWhenOneSucceededAndNoneRun() {
        JobDecision d = JobDecision.of(job("'parallelism':2", ""),
                pods(pod("a", "Succeeded", 10, ""), pod("b", "Failed", 20, "")), NOW);
        assertTrue(Conditions.isTrue(d.status().path("conditions"), "Complete"));
        assertEquals(1, d.status().path("failed").asInt());
    }

    @Test
    void failuresPastBackoffLimitFailTheJob() {
        JobDecision d = JobDecision.of(job("'backoffLimit':1,'completions':3", ""),
                pods(pod("a", "Failed", 30, ""), pod("b", "Failed", 20, "")), NOW);
        JsonNode conds = d.status().path("conditions");
        JsonNode target = Conditions.find(conds, "FailureTarget");
        assertEquals("BackoffLimitExceeded", target.path("reason").asText());
        assertEquals("Job has reached the specified backoff limit", target.path("message").asText());
        assertTrue(Conditions.isTrue(conds, "Failed"), "no pod left running: Failed at once");
        assertEquals(2, d.status().path("failed").asInt());
        assertEquals(0, d.create());
        assertFalse(d.status().has("completionTime"));
    }

    @Test
    void failuresAtBackoffLimitStillRetry() {
        JobDecision d = JobDecision.of(job("'backoffLimit':2,'completions':3", ""),
                pods(pod("a", "Failed", 300, ""), pod("b", "Failed", 200, "")), NOW);
        assertNull(Conditions.find(d.status().path("conditions"), "FailureTarget"));
        assertEquals(1, d.create());
    }

    @Test
    void failedJobDeletesActivePodsAndWaitsForThemBeforeFailed() {
        ObjectNode j = job("'backoffLimit':0,'parallelism':2,'completions':3", "");
        JobDecision first = JobDecision.of(j, pods(pod("a", "Failed", 30, ""), running("b")), NOW);
        assertEquals(List.of("b"), first.delete().stream().map(Pods::name).toList());
        assertTrue(Conditions.isTrue(first.status().path("conditions"), "FailureTarget"));
        assertNull(Conditions.find(first.status().path("conditions"), "Failed"));
        assertEquals(1, first.status().path("terminating").asInt());

        j.set("status", first.status());
        ObjectNode terminating = pod("b", "Running", 100, ",'deletionTimestamp':'" + NOW + "'");
        JobDecision second = JobDecision.of(j, pods(pod("a", "Failed", 30, ""), terminating), NOW.plusSeconds(1));
        assertNull(Conditions.find(second.status().path("conditions"), "Failed"), "a pod is still terminating");

        j.set("status", second.status());
        JobDecision third = JobDecision.of(j, pods(pod("a", "Failed", 30, "")), NOW.plusSeconds(2));
        JsonNode failed = Conditions.find(third.status().path("conditions"), "Failed");
        assertEquals("BackoffLimitExceeded", failed.path("reason").asText());
        assertEquals(0, third.create(), "a failing job never creates again");
    }

    @Test
    void onFailureRestartsCountAgainstBackoffLimit() {
        ObjectNode j = job("'backoffLimit':3", "");
        ((ObjectNode) j.path("spec").path("template").path("spec")).put("restartPolicy", "OnFailure");
        ObjectNode p = running("a");
        ((ObjectNode) p.path("status").path("containerStatuses").get(0)).put("restartCount", 2);
        assertNull(Conditions.find(JobDecision.of(j, pods(p), NOW).status().path("conditions"), "FailureTarget"));
        ((ObjectNode) p.path("status").path("containerStatuses").get(0)).put("restartCount", 3);
        JobDecision d = JobDecision.of(j, pods(p), NOW);
        assertEquals("BackoffLimitExceeded", Conditions.find(d.status().path("conditions"), "FailureTarget").path("reason").asText());
        assertEquals(List.of("a"), d.delete().stream().map(Pods::name).toList());
    }

    @Test
    void activeDeadlineExceededFailsAndDeletesPods() {
        JobDecision d = JobDecision.of(job("'activeDeadlineSeconds':10,'completions':3",
                "'startTime':'" + NOW.minusSeconds(10) + "'"), pods(running("a")), NOW);
        JsonNode target = Conditions.find(d.status().path("conditions"), "FailureTarget");
        assertEquals("DeadlineExceeded", target.path("reason").asText());
        assertEquals("Job was active longer than specified deadline", target.path("message").asText());
        assertEquals(1, d.delete().size());
    }

    @Test
    void beforeTheDeadlineTheJobIsRecheckedWhenItFalls() {
        JobDecision d = JobDecision.of(job("'activeDeadlineSeconds':10,'completions':3",
                "'startTime':'" + NOW.minusSeconds(4) + "'"), pods(running("a")), NOW);
        assertNull(Conditions.find(d.status().path("conditions"), "FailureTarget"));
        assertEquals(Duration.ofSeconds(6), d.recheckAfter());
    }

    static Stream<Arguments> backoffs() {
        return Stream.of(
                Arguments.of("one failure 5 s ago, base 10 s", new int[] {5}, 0, Duration.ofSeconds(5)),
                Arguments.of("one failure 11 s ago", new int[] {11}, 1, null),
                Arguments.of("two failures: 20 s, newest 15 s ago", new int[] {40, 15}, 0, Duration.ofSeconds(5)),
                Arguments.of("three failures: 40 s, newest 39 s ago", new int[] {90, 60, 39}, 0, Duration.ofSeconds(1)),
                Arguments.of("nine failures cap at 6 min", new int[] {900, 800, 700, 600, 500, 450, 400, 380, 300}, 0,
                        Duration.ofSeconds(60)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backoffs")
    void failedPodsAreReplacedAfterTheBackoff(String name, int[] failedSecondsAgo, int create, Duration recheck) {
        List<ObjectNode> ps = new ArrayList<>();
        for (int i = 0; i < failedSecondsAgo.length; i++) {
            ps.add(pod("f" + i, "Failed", failedSecondsAgo[i], ""));
        }
        JobDecision d = JobDecision.of(job("'backoffLimit':20,'completions':1", ""), ps, NOW, Duration.ofSeconds(10));
        assertEquals(create, d.create());
        assertEquals(recheck, d.recheckAfter());
    }

    @Test
    void aSuccessResetsTheBackoff() {
        List<ObjectNode> ps = List.of(pod("f", "Failed", 5, ""), pod("s", "Succeeded", 2, ""));
        JobDecision d = JobDecision.of(job("'backoffLimit':20,'completions':3", ""), ps, NOW);
        assertNull(d.recheckAfter(), "the failure before the success no longer counts");
        assertEquals(1, d.create());
        List<ObjectNode> later = List.of(pod("s", "Succeeded", 9, ""), pod("f", "Failed", 5, ""));
        JobDecision d2 = JobDecision.of(job("'backoffLimit':20,'completions':3", ""), later, NOW);
        assertEquals(Duration.ofSeconds(5), d2.recheckAfter(), "a failure after the success waits again");
        assertEquals(0, d2.create());
    }

    @Test
    void suspendDeletesPodsAndResumeResetsStartTime() {
        ObjectNode j = job("'suspend':true,'parallelism':2,'completions':4", "'startTime':'" + NOW.minusSeconds(60) + "'");
        JobDecision s = JobDecision.of(j, pods(running("a"), running("b")), NOW);
        assertEquals(2, s.delete().size());
        assertEquals(0, s.create());
        JsonNode c = Conditions.find(s.status().path("conditions"), "Suspended");
        assertEquals("True", c.path("status").asText());
        assertEquals("JobSuspended", c.path("reason").asText());

        j.set("status", s.status());
        ((ObjectNode) j.path("spec")).put("suspend", false);
        JobDecision r = JobDecision.of(j, pods(), NOW.plusSeconds(30));
        JsonNode rc = Conditions.find(r.status().path("conditions"), "Suspended");
        assertEquals("False", rc.path("status").asText());
        assertEquals("JobResumed", rc.path("reason").asText());
        assertEquals(NOW.plusSeconds(30).toString(), r.status().path("startTime").asText());
        assertEquals(2, r.create());
    }

    @Test
    void suspendedJobDoesNotHitItsDeadline() {
        ObjectNode j = job("'suspend':true,'activeDeadlineSeconds':5,'completions':1", "'startTime':'" + NOW.minusSeconds(60) + "'");
        JobDecision d = JobDecision.of(j, pods(), NOW);
        assertNull(Conditions.find(d.status().path("conditions"), "FailureTarget"));
    }

    @Test
    void indexedJobCreatesTheLowestMissingIndexes() {
        ObjectNode j = job("'completionMode':'Indexed','completions':5,'parallelism':3", "");
        JobDecision d = JobDecision.of(j, pods(indexed("a", "Succeeded", 0), indexed("b", "Running", 2),
                indexed("c", "Failed", 1)), NOW.plusSeconds(3600));
        assertEquals(List.of(1, 3), d.createIndexes());
        assertEquals(2, d.create());
        assertEquals("0", d.status().path("completedIndexes").asText());
        assertEquals(1, d.status().path("succeeded").asInt());
    }

    @Test
    void indexedJobDeletesDuplicatesAndPodsOfDoneIndexes() {
        ObjectNode j = job("'completionMode':'Indexed','completions':3,'parallelism':3", "");
        JobDecision d = JobDecision.of(j, pods(indexed("done", "Succeeded", 0), indexed("again", "Running", 0),
                indexed("x", "Running", 1), indexed("dup", "Running", 1), indexed("far", "Running", 7)), NOW);
        assertEquals(Set.of("again", "dup", "far"), new TreeSet<>(d.delete().stream().map(Pods::name).toList()));
        assertEquals(List.of(2), d.createIndexes());
    }

    @Test
    void indexedJobCompletesWhenEveryIndexSucceeded() {
        ObjectNode j = job("'completionMode':'Indexed','completions':3,'parallelism':3", "");
        JobDecision d = JobDecision.of(j, pods(indexed("a", "Succeeded", 0), indexed("b", "Succeeded", 2),
                indexed("c", "Succeeded", 1), indexed("d", "Succeeded", 1)), NOW);
        assertTrue(Conditions.isTrue(d.status().path("conditions"), "Complete"));
        assertEquals("0-2", d.status().path("completedIndexes").asText());
        assertEquals(3, d.status().path("succeeded").asInt());
    }

    @Test
    void finishedJobOnlyCleansUp() {
        ObjectNode j = job("'completions':1", "'succeeded':1,'conditions':[{'type':'Complete','status':'True'}]");
        JobDecision d = JobDecision.of(j, pods(running("stray")), NOW);
        assertTrue(d.finished());
        assertEquals(0, d.create());
        assertEquals(1, d.delete().size());
        assertEquals(j.path("status"), d.status());
    }

    @Test
    void unchangedJobProducesTheSameStatusTwice() {
        ObjectNode j = job("'parallelism':2,'completions':4", "");
        JobDecision first = JobDecision.of(j, pods(running("a"), running("b")), NOW);
        j.set("status", first.status());
        JobDecision second = JobDecision.of(j, pods(running("a"), running("b")), NOW.plusSeconds(10));
        assertEquals(first.status(), second.status(), "a status write is skipped when nothing changed");
    }

    @Test
    void ttlCountsFromCompletionOrFailure() {
        ObjectNode done = job("'ttlSecondsAfterFinished':30", "'completionTime':'" + NOW + "','conditions':[{'type':'Complete','status':'True','lastTransitionTime':'" + NOW + "'}]");
        assertEquals(NOW.plusSeconds(30), JobDecision.ttlExpiry(done));
        ObjectNode failed = job("'ttlSecondsAfterFinished':0", "'conditions':[{'type':'Failed','status':'True','lastTransitionTime':'" + NOW + "'}]");
        assertEquals(NOW, JobDecision.ttlExpiry(failed));
        assertNull(JobDecision.ttlExpiry(job("'ttlSecondsAfterFinished':30", "")), "not finished");
        assertNull(JobDecision.ttlExpiry(job("", "'conditions':[{'type':'Complete','status':'True','lastTransitionTime':'" + NOW + "'}]")));
    }

    @Test
    void indexRangesAreCompressed() {
        assertEquals("0-2,5,7-8", JobDecision.ranges(new TreeSet<>(List.of(0, 1, 2, 5, 7, 8))));
        assertEquals("3", JobDecision.ranges(new TreeSet<>(List.of(3))));
        assertEquals("", JobDecision.ranges(new TreeSet<>()));
    }

    @Test
    void podsCarryJobLabelsOwnerAndIndex() {
        ObjectNode j = job("'completionMode':'Indexed','completions':2", "");
        ((ObjectNode) j.path("spec").path("template")).putObject("metadata").putObject("labels").put("app", "pi");
        ObjectNode p = JobPods.newPod(j, 1);
        JsonNode labels = p.path("metadata").path("labels");
        assertEquals("pi", labels.path("app").asText());
        assertEquals("u1", labels.path("batch.kubernetes.io/controller-uid").asText());
        assertEquals("pi", labels.path("batch.kubernetes.io/job-name").asText());
        assertEquals("u1", labels.path("controller-uid").asText());
        assertEquals("pi", labels.path("job-name").asText());
        assertEquals("1", p.path("metadata").path("annotations").path("batch.kubernetes.io/job-completion-index").asText());
        assertEquals("pi-1-", p.path("metadata").path("generateName").asText());
        assertEquals("pi-1", p.path("spec").path("hostname").asText());
        assertEquals("JOB_COMPLETION_INDEX", p.path("spec").path("containers").get(0).path("env").get(0).path("name").asText());
        assertEquals("Job/pi", Pods.controllerRef(p));
        assertEquals("u1", Pods.controllerUid(p));
        assertEquals(1, JobDecision.index(p));
        assertFalse(JobPods.newPod(j, null).path("metadata").has("annotations"));
    }
}
