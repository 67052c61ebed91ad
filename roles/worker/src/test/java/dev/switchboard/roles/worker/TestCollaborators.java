package dev.switchboard.roles.worker;

import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.domain.EmbeddedChatModel;
import dev.switchboard.domain.JobCollaborators;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.LiveCalls;
import dev.switchboard.ports.out.PromptCache;
import dev.switchboard.ports.out.SendPacer;
import dev.switchboard.ports.out.VoicePrompt;
import dev.switchboard.ports.out.WhatsAppSendException;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * The worker tests' collaborators: the real PostgreSQL store and Redis, the embedded agent, and for
 * every outside service one that refuses loudly. A test replaces the few it exercises (a fake
 * gateway, a push sender, a Gmail mailbox), so a job reaching a service the test did not set up
 * fails instead of passing quietly.
 */
final class TestCollaborators {

    private static final LiveCalls NO_LIVE_CALLS = new LiveCalls() {
        @Override
        public void markLive(Collection<Call> calls, Duration ttl) {
            throw new AssertionError("no live calls in this test");
        }

        @Override
        public Set<Call> live(Collection<Call> calls) {
            throw new AssertionError("no live calls in this test");
        }
    };

    private static final PromptCache NO_PROMPTS = new PromptCache() {
        @Override
        public void putForBusiness(VoicePrompt prompt, Duration ttl) {
            throw new AssertionError("no prompt cache in this test");
        }

        @Override
        public void putForCall(String callSid, VoicePrompt prompt, Duration ttl) {
            throw new AssertionError("no prompt cache in this test");
        }

        @Override
        public Lookup lookup(String businessId, String callSid, Duration wait) {
            throw new AssertionError("no prompt cache in this test");
        }
    };

    private TestCollaborators() {
    }

    static JobCollaborators.Builder of(PostgresStore store, JobQueue queue, Clock clock) {
        return WorkerRole.storeCollaborators(store)
                .liveCalls(NO_LIVE_CALLS)
                .prompts(NO_PROMPTS)
                .chat(new EmbeddedChatModel())
                .whatsApp(message -> {
                    throw new WhatsAppSendException("no gateway in this test", 0, false, Optional.empty());
                })
                .webPush((subscription, notification) -> {
                    throw new AssertionError("no pushes in this test");
                })
                .webhooks(message -> {
                    throw new AssertionError("no webhook deliveries in this test");
                })
                .broadcastPacer(SendPacer.UNPACED)
                .gmail(Optional.empty())
                .telephony(Optional.empty())
                .callRecordings(dev.switchboard.ports.out.CallRecordings.unconfigured("no Twilio in this test"))
                .batchSpeech(dev.switchboard.ports.out.BatchSpeechToText.OFF)
                .jobs(queue)
                .reminderRetention(Duration.ofDays(30))
                .clock(clock);
    }
}
