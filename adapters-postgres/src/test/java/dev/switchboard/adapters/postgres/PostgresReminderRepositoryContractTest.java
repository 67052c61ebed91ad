package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.ReminderRepository;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresReminderRepositoryContractTest extends ReminderRepositoryContract {
    @RegisterExtension
    static final CrmStoreFixture crm = new CrmStoreFixture();

    @Override
    ReminderRepository reminders() {
        return crm.store().reminders();
    }

    @Override
    LeadRepository leads() {
        return crm.store().leads();
    }
}
