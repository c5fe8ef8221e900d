from edu.cli.app import main

main()
