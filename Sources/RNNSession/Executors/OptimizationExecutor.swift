import RNNScript

/// `optimizer`, `clip`, `schedule`. Checked here, applied to a run at its next `train`
/// (`RunController` records the change).
enum OptimizationExecutor {
    static func run(_ command: OptimizationCommand, on w: inout Workspace, _ context: ExecutionContext) throws -> Effect {
        switch command {
        case let .optimizer(config):
            try config.validate()
            w.settings.optimizer = config
        case let .clip(setting):
            try setting.validate()
            w.settings.clip = setting
        case let .splits(rules):
            _ = try rules.schedule()
            w.settings.splits = rules
        case let .learningRate(rules):
            _ = try rules?.schedule()
            w.settings.learningRate = rules
        }
        if let active = w.active, active.applied != w.settings.training {
            context.emit(.text("run '\(active.name)' picks this up at its next 'train'"))
        }
        return .done
    }
}
