from ownergate.cli import main

main()
