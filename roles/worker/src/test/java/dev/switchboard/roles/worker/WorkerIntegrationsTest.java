package dev.switchboard.roles.worker;

import dev.switchboard.roles.common.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker's integration settings as an operator writes them: {@code BROADCAST_RATE} here. */
class WorkerIntegrationsTest {

    @Test
    void broadcastsGoAtOneMessageASecondUnlessToldOtherwise() {
        assertEquals(1.0, WorkerIntegrations.fromEnvironment(Map.of()).broadcastRate());
        assertEquals(0.5, WorkerIntegrations.fromEnvironment(Map.of("BROADCAST_RATE", "0.5")).broadcastRate());
        assertEquals(20.0, WorkerIntegrations.fromEnvironment(Map.of("BROADCAST_RATE", " 20 ")).broadcastRate());
        assertTrue(WorkerIntegrations.fromEnvironment(Map.of("BROADCAST_RATE", "2")).describe()
                .contains("broadcasts at 2.0 message(s)/s per business"));
    }

    @Test
    void aRateThatCannotBeKeptStopsTheStartNamingTheVariable() {
        for (String bad : new String[] {"0", "-1", "fast", "1001", "NaN", "Infinity"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> WorkerIntegrations.fromEnvironment(Map.of("BROADCAST_RATE", bad)), bad);
            assertTrue(e.getMessage().contains("BROADCAST_RATE"), e.getMessage());
        }
    }
}
