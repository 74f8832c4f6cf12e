// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccompliceSetup} from "./AccompliceInvariants.t.sol";

/// @notice Replays, through the accomplice handler's own actions, one short sequence per finding of the adversarial
/// review, then runs the check the campaign asserts. Each failed on the contracts as they were when this suite was
/// written (the failure messages are in the commit message) and must pass once the finding is fixed; unlike the
/// campaign, which stops at its first failure, they show that each finding on its own is caught.
contract AccompliceReplaysTest is AccompliceSetup {
    /// @notice FINDING 1 -> (a). An accomplice deposits 9x the honest NAV into the cash leg and waits out the lock; in
    /// one block the keeper opens an epoch with all-cash targets and the accomplice redeems everything; the keeper then
    /// sells, sandwiched, with caps measured against the 10x NAV at opening.
    function test_replay_finding1_navLeavesAfterOpening_lossPerShareAboveCap() public {
        acc.accompliceDeposit(0, 8, 1); // 9x the honest NAV, then the lock passes
        acc.accompliceAroundOpen(1, 0, 1, 1); // nothing before; all-cash targets; redeem all after
        acc.keeperDrain(1, 6);
        acc.keeperDrain(2, 6);
        acc.keeperDrain(3, 6);
        checkLossPerShare();
    }

    /// @notice FINDING 2 -> (b). 1 wei of shares queued right before an opening: the batch redeems to 0 assets and
    /// `closeEpoch` reverts for good (the request can no longer be cancelled).
    function test_replay_finding2_dustQueuedRedemption_bricksClose() public {
        acc.warp(1 hours, 1); // the setup deposits unlock
        acc.queueRequest(0, 0, 6, true); // alice queues 1 wei; the keeper opens a cash sweep
        checkEpochCanBeClosed();
    }

    /// @notice FINDING 3 -> (b). A large queued redemption reserves cash at the opening; an accomplice who had
    /// deposited into the cash leg takes that cash with an instant redeem mid-epoch; the outsider's refill sells are
    /// refused (the frozen targets make nothing overweight) and `closeEpoch` reverts.
    function test_replay_finding3_instantExitTakesReservedCash_bricksClose() public {
        acc.accompliceDeposit(0, 8, 1);
        acc.queueRequest(0, 2500, 8, true); // alice queues 75% of her shares; the keeper opens a cash sweep
        acc.accompliceExit(1, 0); // the accomplice redeems all it can from the cash leg
        checkEpochCanBeClosed();
    }

    /// @notice FINDING 4 -> (c). Bob gives alice shares (gifted bucket, locked one hour); 50 minutes later an
    /// accomplice deposits 1 wei for alice, which re-locks the whole gifted bucket for another hour.
    function test_replay_finding4_dustDepositForHolder_relocksGiftedShares() public {
        acc.giftDeposit(0, 0, 10_000e6); // from another holder, to alice
        acc.warp(50 minutes - 1, 1);
        acc.dustDeposit(1, 0, 0, 0); // an accomplice deposits 1 wei for alice (untimed)
        acc.warp(20 minutes - 1, 1);
        checkNoRelock();
    }

    /// @notice FURTHER FINDING (found by this suite's (b) campaign) -> (b). Turnover counts refill sells like any other:
    /// a queued batch whose cash needs more sells than `maxTurnoverBps` of the opening NAV can never be settled (and
    /// its requests can no longer be cancelled) until the owner raises the cap. Alice queues all her shares (half the
    /// NAV); the keeper opens a cash sweep; the ~90k of sells needed exceed the 30% turnover cap (~60k), so after the
    /// sells the cap allows every further sell is refused with `TurnoverExceeded`.
    function test_replay_further_batchAboveTurnoverCap_bricksClose() public {
        acc.warp(1 hours, 1); // the setup deposits unlock
        acc.queueRequest(0, 5000, 8, true); // alice queues 100% of her shares; the keeper opens a cash sweep
        checkEpochCanBeClosed();
    }
}
