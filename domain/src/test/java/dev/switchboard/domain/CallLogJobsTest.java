package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.out.CallLogStart;
import dev.switchboard.ports.out.CallTurn;
import dev.switchboard.ports.out.JobRequest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The call jobs the calls role enqueues: codecs, queues, dedupe keys. */
class CallLogJobsTest {
    private static final Instant AT = Instant.parse("2026-11-30T12:00:00.250Z");
    private static final String SID = "CA0123456789abcdef0123456789abcdef";

    private static JobExecution executionOf(JobRequest request) {
        return new JobExecution("job-1", request.name(), request.kwargs(), request.businessId(), request.traceId(), 1,
                (percent, message) -> { });
    }

    private static CallLogStart start() {
        return CallLogJobs.start("biz-1", SID, "MZ1", Map.of("From", "+5511988887777", "To", "+5511999990000",
                "BusinessId", "biz-1", "TraceId", "t-1"), AT);
    }

    @Test
    void theStreamsStartTellsWhoCalledWhomAndHow() {
        CallLogStart start = start();
        assertEquals("inbound", start.direction());
        assertEquals(Optional.of("+5511988887777"), start.fromNumber());
        assertEquals(Optional.of("MZ1"), start.streamSid());
        assertEquals("outbound", CallLogJobs.start("biz-1", SID, "MZ1", Map.of("Direction", "outbound-api"), AT).direction());
        assertEquals(Optional.empty(), CallLogJobs.start("biz-1", SID, "MZ1", Map.of("From", " "), AT).fromNumber());
        assertEquals(Optional.of("+5511999990000"), CallArgs.otherParty(new CallLogStart("b", SID, "outbound",
                Optional.of("+5511988887777"), Optional.of("+5511999990000"), Optional.empty(), AT)));
    }

    @Test
    void everyCallJobRoundTripsThroughItsKwargs() {
        CallLogStart start = start();
        List<JobRequest> started = CallLogJobs.started(start, "t-1");
        assertEquals(List.of("create_call_log_job", "create_lead_from_call_job"), started.stream().map(JobRequest::name).toList());
        assertEquals(new CreateCallLogJob.Args(start), CreateCallLogJob.DEFINITION.argsOf(executionOf(started.get(0))));
        assertEquals(new CreateLeadFromCallJob.Args(start),
                CreateLeadFromCallJob.DEFINITION.argsOf(executionOf(started.get(1))));

        CallTurn turn = new CallTurn(3, "caller", "What are your hours?", AT.plusSeconds(9));
        JobRequest saved = CallLogJobs.turn(start, turn, "t-1");
        assertEquals(new SaveConversationTurnJob.Args(start, turn), SaveConversationTurnJob.DEFINITION.argsOf(executionOf(saved)));

        JobRequest ended = CallLogJobs.ended(start, true, AT.plusSeconds(60), 4, "stop", "t-1");
        FinalizeCallLogJob.Args end = FinalizeCallLogJob.DEFINITION.argsOf(executionOf(ended));
        assertEquals(FinalizeCallLogJob.Source.STREAM, end.source());
        assertEquals("completed", end.end().outcome());
        assertEquals(Optional.of(AT.plusSeconds(60)), end.end().endedAt());
        assertEquals(Optional.of(4), end.turns());
        assertEquals("interrupted", FinalizeCallLogJob.DEFINITION.argsOf(executionOf(
                CallLogJobs.ended(start, false, AT, 0, "socket closed", "t-1"))).end().outcome());
        for (JobRequest r : List.of(started.get(0), started.get(1), saved, ended)) {
            assertEquals(Queues.DEFAULT, r.queue(), r.name());
            assertEquals("biz-1", r.businessId());
            assertEquals("t-1", r.traceId());
            assertTrue(r.dedupe().orElseThrow().key().startsWith("twilio:" + SID + ":"), r.dedupe().toString());
        }
    }

    @Test
    void eachTurnHasItsKeyAndTheStreamAndTheSweepShareOneForTheVerdict() {
        CallLogStart start = start();
        String turn1 = CallLogJobs.turn(start, new CallTurn(1, "agent", "a", AT), "t").dedupe().orElseThrow().key();
        String turn2 = CallLogJobs.turn(start, new CallTurn(2, "agent", "a", AT), "t").dedupe().orElseThrow().key();
        assertNotEquals(turn1, turn2);
        assertEquals("twilio:" + SID + ":turn-1:save_conversation_turn_job", turn1);
        String stream = CallLogJobs.ended(start, true, AT, 0, "stop", "t").dedupe().orElseThrow().key();
        assertEquals(stream, CallLogJobs.abandoned(start, "t").dedupe().orElseThrow().key());
        assertEquals("twilio:" + SID + ":stream-ended:finalize_call_log_job", stream);
        assertEquals(Queues.MAINTENANCE, FinalizeAbandonedCallsJob.DEFINITION.queue());
    }

    @Test
    void aMalformedCallJobFailsNamingTheArgument() {
        Map<String, Object> kwargs = new HashMap<>(CallLogJobs.started(start(), "t").get(0).kwargs());
        kwargs.put("started_at", "yesterday");
        JobRequest bad = JobRequest.of("create_call_log_job", "default", kwargs, "biz-1", "t");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CreateCallLogJob.DEFINITION.argsOf(executionOf(bad)));
        assertTrue(e.getMessage().contains("started_at"), e.getMessage());
    }

    @Test
    void theCallCompletedEventIdIsOnePerCall() {
        assertEquals(FinalizeCallLogJob.eventId("biz-1", SID), FinalizeCallLogJob.eventId("biz-1", SID));
        assertNotEquals(FinalizeCallLogJob.eventId("biz-1", SID), FinalizeCallLogJob.eventId("biz-2", SID));
    }
}
