import Foundation
import ShiftDeskCore

extension Desk {
    /// Disables an operator: they can no longer act (every action looks them up afresh) nor log
    /// in, and each open incident they hold goes back to its line's queue, recorded as `released`
    /// by `administrator`. Their history stays theirs. Returns the incidents released.
    public func disableOperator(_ login: String, by administrator: String) async throws(DeskError) -> [TicketID] {
        do {
            guard try await store.setOperatorDisabled(login, true) else { throw DeskError.unknownOperator(login) }
            var released: [TicketID] = []
            for held in try await store.tickets(TicketQuery(openOnly: true, assignee: login)) {
                // A seat may change it meanwhile: read it again and retry a few times.
                var ticket = held
                for _ in 0..<5 {
                    guard let outcome = Workflow.release(ticket, heldBy: login, by: administrator, at: clock.now()) else { break }
                    do {
                        let fired = try await store.firedSteps(of: ticket.id)
                        let written = planned(outcome.ticket, recording: outcome.event, on: ticket.clock, fired: fired)
                        _ = try await store.updateTicket(written, event: outcome.event, summary: nil)
                        released.append(ticket.id)
                        break
                    } catch let .conflict(_, _, _, _, current) {
                        ticket = current
                    }
                }
            }
            return released
        } catch let error as DeskError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .store(.failure("\(error)"))
        }
    }

    public func enableOperator(_ login: String) async throws(DeskError) {
        do {
            guard try await store.setOperatorDisabled(login, false) else { throw DeskError.unknownOperator(login) }
        } catch let error as DeskError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .store(.failure("\(error)"))
        }
    }
}
