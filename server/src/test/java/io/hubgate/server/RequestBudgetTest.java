package io.hubgate.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestBudgetTest {

    @Test
    void forTheLaunchersHeap_holdsFourMebibytesOfRequests() {
        assertThat(RequestBudget.forHeap(192L * 1024 * 1024, 1024 * 1024).capacity()).isEqualTo(4L * 1024 * 1024);
    }

    @Test
    void forASmallHeap_stillAdmitsTheLargestRequest() {
        assertThat(RequestBudget.forHeap(16L * 1024 * 1024, 1024 * 1024).capacity()).isEqualTo(1024 * 1024);
    }

    @Test
    void aTakeBeyondTheCapacity_isRefused_untilBytesAreGivenBack_onceEach() {
        RequestBudget budget = new RequestBudget(100);
        RequestBudget.Lease first = budget.tryTake(60);

        assertThat(first).isNotNull();
        assertThat(budget.tryTake(41)).isNull();
        RequestBudget.Lease second = budget.tryTake(40);
        assertThat(second).isNotNull();

        first.giveBack();
        first.giveBack(); // a second give-back must not free bytes a later request holds
        assertThat(budget.tryTake(61)).isNull();
        assertThat(budget.tryTake(60)).isNotNull();
    }
}
