import Foundation
import Testing
@testable import ShiftDeskCore

/// The similarity rule on hand-made Chinese and English titles, clusters, trends and the
/// weekly review's lists.
@Suite struct TitleSimilarityTests {
    @Test func tokensAreCJKBigramsAndEnglishWordsWithoutStopWords() {
        #expect(TitleSimilarity.tokens("打印机卡纸") == ["打印", "印机", "机卡", "卡纸"])
        #expect(TitleSimilarity.tokens("The VPN connection drops every 10 minutes") == ["vpn", "connection", "drop", "minute"])
        #expect(TitleSimilarity.tokens("Weak Wi-Fi in room B") == ["weak", "wifi", "room"])
        // Full-width letters and digits are folded; particles separate runs.
        #expect(TitleSimilarity.tokens("ＶＰＮ的连接") == ["vpn", "连接"])
        #expect(TitleSimilarity.tokens("会议室B无线信号弱") == ["会议", "议室", "无线", "线信", "信号", "号弱"])
        #expect(TitleSimilarity.tokens("邮") == ["邮"])
        #expect(TitleSimilarity.tokens("!!! 123 ...").isEmpty)
    }

    @Test func chineseTitlesOfOneFaultAreSimilar() {
        #expect(TitleSimilarity.similar("打印机卡纸", "三楼打印机卡纸"))
        #expect(TitleSimilarity.similar("财务系统登录超时", "财务系统登录很慢"))
        #expect(TitleSimilarity.similar("Outlook 日历无法同步到手机", "Outlook 日历不同步"))
        #expect(TitleSimilarity.similar("邮件服务器无法发送外部邮件", "外部邮件无法发送"))
        #expect(!TitleSimilarity.similar("打印机卡纸", "打印机缺墨"), "only 打印 印机 in common: 2 of 4")
        #expect(!TitleSimilarity.similar("财务系统登录超时", "OA 系统登录页面空白"))
        #expect(!TitleSimilarity.similar("视频会议系统无声音", "会议室投影仪无信号"))
    }

    @Test func englishTitlesOfOneFaultAreSimilar() {
        #expect(TitleSimilarity.similar("VPN connection drops every 10 minutes", "VPN connection drops again"))
        #expect(TitleSimilarity.similar("Printer on 3rd floor keeps jamming", "3rd floor printer jamming"))
        #expect(TitleSimilarity.similar("Shared drive fs01 not reachable", "fs01 shared drive unreachable"))
        #expect(!TitleSimilarity.similar("Password reset for SAP account", "SAP report is slow"), "one word in common")
        #expect(!TitleSimilarity.similar("Laptop will not boot", "Laptop screen broken"))
        #expect(!TitleSimilarity.similar("the printer", "the scanner"), "stop-words never count")
    }

    @Test func theOverlapIsSymmetricAndBounded() {
        let titles = ["打印机卡纸", "三楼打印机卡纸", "VPN drops", "vpn connection drops", "", "会议室B无线信号弱 Weak Wi-Fi in room B"]
        for a in titles {
            for b in titles {
                let (x, y) = (TitleSimilarity.tokens(a), TitleSimilarity.tokens(b))
                #expect(TitleSimilarity.overlap(x, y) == TitleSimilarity.overlap(y, x))
                #expect((0...1).contains(TitleSimilarity.overlap(x, y)))
                #expect(TitleSimilarity.similar(a, b) == TitleSimilarity.similar(b, a))
            }
        }
    }
}

@Suite struct IncidentClusterTests {
    static func ticket(_ n: Int64, _ title: String, service: String? = nil, category: String? = nil, hoursIn: Double = 0,
                       problem: ProblemID? = nil) -> Ticket {
        Ticket(id: TicketID(n), title: title, caller: Caller(name: "c"), channel: .phone, priority: .general, category: category,
               affectedService: service, openedAt: t0.addingTimeInterval(hoursIn * 3600), problem: problem)
    }

    @Test func threeSimilarIncidentsOfOneServiceMakeACluster() {
        let tickets = [
            Self.ticket(1, "打印机卡纸", service: "Printing", hoursIn: 1),
            Self.ticket(2, "VPN connection drops", service: "VPN"),
            Self.ticket(3, "三楼打印机卡纸", service: "printing ", hoursIn: 2),
            Self.ticket(4, "打印机又卡纸了", service: "Printing", hoursIn: 3),
            Self.ticket(5, "打印机卡纸", service: "Scanner", hoursIn: 4),  // another service, another category
            Self.ticket(6, "VPN connection drops again", service: "VPN", hoursIn: 5),
        ]
        let clusters = IncidentCluster.find(in: tickets)
        #expect(clusters.count == 1, "the VPN pair is two, not three")
        #expect(clusters.first?.incidents.map(\.id.number) == [1, 3, 4])
        #expect(clusters.first?.title == "打印机卡纸")
        #expect(clusters.first?.service == "Printing")
    }

    @Test func theSameCategoryJoinsAcrossServicesAndClustersAreTransitive() {
        let tickets = [
            Self.ticket(1, "Outlook calendar sync broken on phone", service: "Exchange", category: "Mail"),
            Self.ticket(2, "Outlook calendar sync broken", service: "Mobile", category: "mail", hoursIn: 1),
            Self.ticket(3, "Calendar sync broken on iPhone", service: "Mobile", category: "Phones", hoursIn: 2),
        ]
        let clusters = IncidentCluster.find(in: tickets)
        #expect(clusters.map { $0.incidents.count } == [3], "1~2 by category, 2~3 by service")
        #expect(clusters.first?.service == nil && clusters.first?.category == nil)
    }

    @Test func dissimilarTitlesOfOneServiceAreNoCluster() {
        let tickets = [
            Self.ticket(1, "新员工账号开通", service: "AD 域控"),
            Self.ticket(2, "账号被锁定", service: "AD 域控", hoursIn: 1),
            Self.ticket(3, "Password expired", service: "AD 域控", hoursIn: 2),
        ]
        #expect(IncidentCluster.find(in: tickets).isEmpty)
    }

    @Test func aClusterIsTrackedWhenEveryMemberHasAProblem() {
        let members = [Self.ticket(1, "Disk full on db-02", service: "db-02", problem: ProblemID(7)),
                       Self.ticket(2, "db-02 disk full", service: "db-02", hoursIn: 1),
                       Self.ticket(3, "Disk full db-02 again", service: "db-02", hoursIn: 2)]
        var cluster = IncidentCluster.find(in: members)[0]
        #expect(!cluster.tracked && cluster.untracked.map(\.id.number) == [2, 3] && cluster.problems == [ProblemID(7)])
        cluster.incidents = cluster.incidents.map { var t = $0; t.problem = ProblemID(7); return t }
        #expect(cluster.tracked)
    }
}

@Suite struct WeeklyReviewTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    static func local(_ text: String) -> Date { ISO8601.parse(text, defaultZone: zone) ?? .distantPast }

    /// 2026-W48 is Monday 23 to Sunday 29 November in Shanghai.
    @Test func trendsAgainstTheMeanOfTheFourPreviousWeeks() throws {
        let week = try #require(ReportPeriod(kind: .week, label: "2026-W48", timeZone: Self.zone))
        func t(_ n: Int64, _ opened: String, _ priority: Priority, service: String?) -> Ticket {
            Ticket(id: TicketID(n), title: "t\(n)", caller: Caller(name: "c"), channel: .phone, priority: priority,
                   affectedService: service, openedAt: Self.local(opened))
        }
        let tickets = [
            t(1, "2026-11-23T00:00", .major, service: "VPN"),      // first instant of the week (local)
            t(2, "2026-11-29T23:59", .general, service: "VPN"),    // last minute of the week
            t(3, "2026-11-25T10:00", .general, service: nil),
            t(4, "2026-11-22T23:59", .major, service: "VPN"),      // W47
            t(5, "2026-11-16T10:00", .minor, service: "Mail"),     // W47
            t(6, "2026-10-26T00:00", .minor, service: "Mail"),     // W44: the fourth week back
            t(7, "2026-10-25T23:59", .major, service: "Mail"),     // W43: too old
            t(8, "2026-11-30T00:00", .major, service: "VPN"),      // W49
        ]
        let review = WeeklyReview(week: week, tickets: tickets, events: [])
        #expect(review.incidents.map(\.id.number) == [1, 3, 2])
        let priority = review.trends(.priority)
        #expect(priority.map(\.key) == ["major", "general", "minor"])
        #expect(priority[0].thisWeek == 1 && priority[0].previous == [1, 0, 0, 0] && priority[0].change == 0.75)
        #expect(priority[2].thisWeek == 0 && priority[2].previous == [1, 0, 0, 1] && priority[2].previousMean == 0.5)
        let service = review.trends(.service)
        #expect(service.map(\.key) == ["VPN", "—", "Mail"])
        #expect(service[0].thisWeek == 2 && service[0].previous == [1, 0, 0, 0])
        #expect(review.trends(.tier).first?.key == "desk" && review.trends(.tier).first?.thisWeek == 3)
    }

    @Test func notFixedAtTheRootRecurringBackfilledAndBypassed() throws {
        let week = try #require(ReportPeriod(kind: .week, label: "2026-W48", timeZone: Self.zone))
        var tickets: [Ticket] = []
        var events: [TicketEvent] = []
        var eventID: Int64 = 0
        func story(_ title: String, opened: String, by actor: Operator = Staff.desk, backfilled: Bool = false,
                   service: String = "Printing", _ steps: [(String, TicketAction, Operator)] = []) throws {
            var draft = TicketDraft(title: title, caller: Caller(name: "c"), affectedService: service, backfilled: backfilled)
            draft.openedAt = Self.local(opened)
            let logged = backfilled ? Self.local("2026-11-28T10:00") : Self.local(opened)
            var outcome = try Workflow.open(draft, id: TicketID(Int64(tickets.count + 1)), by: actor, at: logged)
            eventID += 1; outcome.event.id = eventID; events.append(outcome.event)
            for (at, action, person) in steps {
                outcome = try Workflow.apply(action, to: outcome.ticket, by: person, at: Self.local(at))
                eventID += 1; outcome.event.id = eventID; events.append(outcome.event)
            }
            tickets.append(outcome.ticket)
        }
        try story("打印机卡纸", opened: "2026-11-23T09:00", [("2026-11-23T09:10", .resolveWithWorkaround(note: "重启"), Staff.desk)])
        try story("三楼打印机卡纸", opened: "2026-11-24T09:00", [("2026-11-24T09:10", .resolve(note: "清纸"), Staff.desk),
                                                            ("2026-11-24T11:00", .reopen(note: "又卡"), Staff.desk),
                                                            ("2026-11-24T12:00", .resolveWithWorkaround(note: "换纸盒"), Staff.desk)])
        // A workaround later replaced by a real fix is fixed at the root.
        try story("Printer jams 3rd floor", opened: "2026-11-25T09:00",
                  [("2026-11-25T09:10", .resolveWithWorkaround(note: "reset"), Staff.desk),
                   ("2026-11-25T10:00", .reopen(note: "back"), Staff.desk),
                   ("2026-11-25T11:00", .resolve(note: "roller replaced"), Staff.desk)])
        try story("打印机又卡纸", opened: "2026-11-26T09:00", by: Staff.l1)
        // Back-filled on Saturday, for a fault of the week before.
        try story("网络中断", opened: "2026-11-20T09:00", backfilled: true, service: "Network")
        let review = WeeklyReview(week: week, tickets: tickets, events: events)
        #expect(review.notFixedAtRoot.map(\.ticket.id.number) == [2, 3, 1])
        #expect(review.notFixedAtRoot.first?.reasons == [.reopened, .workaround])
        #expect(review.notFixedAtRoot.last?.reasons == [.workaround])
        #expect(review.notFixedAtRoot[1].reasons == [.reopened])
        #expect(review.clusters.count == 1)
        #expect(review.clusters.first?.incidents.map(\.id.number) == [1, 2, 4], "the English title shares no token with the Chinese ones")
        #expect(review.backfilled.map(\.id.number) == [5])
        #expect(review.bypassedDesk.map(\.id.number) == [4])
        #expect(events.filter(\.isWorkaround).count == 3)
    }

    @Test func previousAndNextWeeksCrossTheYear() throws {
        let week = try #require(ReportPeriod(kind: .week, label: "2026-W53", timeZone: Self.zone))
        #expect(WeeklyReview.week(week, offset: 1).label == "2027-W01")
        #expect(WeeklyReview.week(week, offset: -1).label == "2026-W52")
        let first = try #require(ReportPeriod(kind: .week, label: "2027-W01", timeZone: Self.zone))
        #expect(WeeklyReview.week(first, offset: -1).label == "2026-W53")
    }
}
