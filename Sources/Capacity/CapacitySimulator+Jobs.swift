/// Jobs: acceptance, claims, completion, and what a scaled-in instance does with its jobs.
extension CapacitySimulator {
    mutating func arrive() {
        let job = arrival.count
        arrival.append(now)
        firstStart.append(-1)
        departure.append(-1)
        runEnd.append(0)
        generation.append(0)
        host.append(-1)
        lost.append(false)
        inSystem += 1
        peakBacklog = max(peakBacklog, inSystem)
        scaling.invocations += 1
        switch settings.store {
        case .shared:
            waiting.append(job)
            dispatchShared()
        case .local:
            // SageMaker routes each call to an instance in service; the job stays there.
            let serving = instances.indices.filter { instances[$0].state == .serving }
            let target = serving[random.index(below: serving.count)]
            if instances[target].running.count < settings.concurrency {
                start(job, on: target)
            } else {
                instances[target].queue.append(job)
            }
        }
    }

    /// Gives free slots of serving instances the oldest waiting jobs (the store's claim order).
    mutating func dispatchShared() {
        while !resumed.isEmpty || !waiting.isEmpty {
            guard let target = leastLoadedServingInstance() else { return }
            let job = resumed.isEmpty ? waiting.popFirst()! : resumed.removeFirst()
            start(job, on: target)
        }
    }

    private func leastLoadedServingInstance() -> Int? {
        var best: Int?
        for index in instances.indices where instances[index].state == .serving {
            let load = instances[index].running.count
            if load < settings.concurrency && (best == nil || load < instances[best!].running.count) {
                best = index
            }
        }
        return best
    }

    /// Claims `job` on `instance`: it holds a slot until its run ends (after any wait for the
    /// provider's rate limit).
    mutating func start(_ job: Int, on instance: Int) {
        if firstStart[job] < 0 { firstStart[job] = now }
        let begins = bucket?.reserve(at: now) ?? now
        let ends = begins + settings.service.sample(&random)
        generation[job] += 1
        runEnd[job] = ends
        host[job] = instance
        instances[instance].running.append(job)
        events.schedule(.completion, at: ends, a: job, b: generation[job])
    }

    mutating func complete(job: Int, generation run: Int) {
        guard run == generation[job] else { return }  // this run was given back meanwhile
        let instance = host[job]
        if let slot = instances[instance].running.firstIndex(of: job) {
            instances[instance].running.swapAt(slot, instances[instance].running.count - 1)
            instances[instance].running.removeLast()
        }
        departure[job] = now
        inSystem -= 1
        switch instances[instance].state {
        case .serving:
            switch settings.store {
            case .shared:
                dispatchShared()
            case .local:
                if let next = instances[instance].queue.popFirst() { start(next, on: instance) }
            }
        case .draining:
            if instances[instance].running.isEmpty { setState(.gone, of: instance) }
        case .starting, .gone:
            break
        }
    }

    mutating func instanceReady(_ instance: Int) {
        guard instances[instance].state == .starting else { return }
        setState(.serving, of: instance)
        if settings.store == .shared { dispatchShared() }
    }

    /// SIGTERM to `instance`: it claims nothing more, finishes the runs that end within the
    /// drain grace, and gives the others back: to the shared queue, or, with a store on its own
    /// disk, they are lost with its queue.
    mutating func terminate(_ instance: Int) {
        switch instances[instance].state {
        case .starting:
            setState(.gone, of: instance)
            return
        case .serving:
            break
        case .draining, .gone:
            return
        }
        setState(.draining, of: instance)
        var lastEnd = now
        var givenBack: [Int] = []
        for job in instances[instance].running {
            if runEnd[job] - now <= settings.drainGrace {
                lastEnd = max(lastEnd, runEnd[job])
            } else {
                givenBack.append(job)
            }
        }
        instances[instance].running.removeAll { givenBack.contains($0) }
        let stranded = instances[instance].queue.removeAll()
        for job in givenBack {
            generation[job] += 1
            switch settings.store {
            case .shared:
                rerunCount += 1
                let position = resumed.firstIndex { arrival[$0] > arrival[job] } ?? resumed.count
                resumed.insert(job, at: position)
            case .local:
                markLost(job)
            }
        }
        for job in stranded { markLost(job) }
        if instances[instance].running.isEmpty {
            setState(.gone, of: instance)
        } else {
            events.schedule(.instanceGone, at: lastEnd, a: instance)
        }
        if settings.store == .shared { dispatchShared() }
    }

    private mutating func markLost(_ job: Int) {
        lost[job] = true
        departure[job] = now
        inSystem -= 1
    }
}
