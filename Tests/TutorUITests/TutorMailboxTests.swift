import Testing
import TutorLessons
@testable import TutorUI

@Suite struct TutorMailboxTests {
    @Test func cancelledTokensAreForgottenWhenTheirRunEnds() {
        let mailbox = TutorMailbox()
        for token in 1...1000 {
            mailbox.begin(token: token)
            mailbox.cancel(token)
            #expect(mailbox.isCancelled(token))
            mailbox.post(.runFailed(token: token, message: "late"), token: token)
            mailbox.end(token: token)
        }
        #expect(mailbox.cancelledCount == 0)
        #expect(mailbox.take().isEmpty, "a cancelled run's events are dropped")
        #expect(!mailbox.hasPendingWork)
    }

    @Test func cancellingARunThatHasEndedIsNotRemembered() {
        let mailbox = TutorMailbox()
        mailbox.begin(token: 7)
        mailbox.post(.runFailed(token: 7, message: "done"), token: 7)
        mailbox.end(token: 7)
        // The loop may cancel a run whose last event is still waiting to be taken.
        mailbox.cancel(7)
        #expect(mailbox.cancelledCount == 0)
        #expect(mailbox.take().count == 1)
    }

    @Test func onlyRunsInFlightStayCancelled() {
        let mailbox = TutorMailbox()
        mailbox.begin(token: 1)
        mailbox.begin(token: 2)
        mailbox.cancel(1)
        mailbox.cancel(2)
        mailbox.end(token: 1)
        #expect(mailbox.cancelledCount == 1)
        #expect(mailbox.isCancelled(2) && !mailbox.isCancelled(1))
        mailbox.end(token: 2)
        #expect(mailbox.cancelledCount == 0)
    }
}
